using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace WalletCrew.Plugins.Host;

/// <summary>
/// appsettings.json and appsettings.{Environment}.json are reloaded when they change (a tenant's secrets are read from
/// configuration on every call, so a rotated secret applies without a restart), by polling the two files every few seconds
/// instead of ASP.NET Core's default: a watcher over the whole working folder and every folder under it. The host's SQLite
/// file and its write-ahead log live there by default (<c>wcp.db</c>), so that watcher woke at every commit (8 % of the host's
/// CPU under load), and a large folder costs one kernel watch per subfolder, up to the user's inotify limit.
/// </summary>
internal static class ConfigurationFiles
{
    /// <summary>Keeps the default builder from watching the working folder; user arguments that follow may set it back.</summary>
    public const string NoFolderWatch = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>
    /// Makes the builder's JSON files under the content root reload by polling. A source a user asked to reload the default
    /// way (<c>hostBuilder:reloadConfigOnChange=true</c>) is left as it is.
    /// </summary>
    public static void PollForChanges(WebApplicationBuilder builder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(builder.Environment.ContentRootPath));
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { ReloadOnChange: false, FileProvider: PhysicalFileProvider provider, Path: { } path } json
                && Path.TrimEndingDirectorySeparator(provider.Root) == root)
            {
                sources[i] = new PolledJsonSource(root)
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = true,
                    ReloadDelay = json.ReloadDelay,
                };
            }
        }
    }

    /// <summary>
    /// A JSON file under <paramref name="root"/>, polled. Each provider built from it gets a polling file provider of its own
    /// and disposes it with itself: the configuration rebuilds its providers whenever a source changes and is disposed
    /// with the host.
    /// </summary>
    private sealed class PolledJsonSource(string root) : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(new JsonConfigurationSource
        {
            Path = Path ?? throw new InvalidOperationException("A polled settings file needs a path."),
            Optional = Optional,
            ReloadOnChange = ReloadOnChange,
            ReloadDelay = ReloadDelay,
            FileProvider = new PhysicalFileProvider(root) { UsePollingFileWatcher = true, UseActivePolling = true },
        });

        private sealed class Provider(JsonConfigurationSource owned) : JsonConfigurationProvider(owned)
        {
            protected override void Dispose(bool disposing)
            {
                base.Dispose(disposing);
                if (disposing)
                {
                    (Source.FileProvider as IDisposable)?.Dispose();
                }
            }
        }
    }
}
