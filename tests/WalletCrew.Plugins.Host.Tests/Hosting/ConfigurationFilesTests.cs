using Microsoft.Extensions.Configuration;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Hosting;

/// <summary>Runs alone: it counts the process's kernel file watches, which other tests' hosts would change meanwhile.</summary>
[CollectionDefinition(nameof(ConfigurationFilesTests), DisableParallelization = true)]
public sealed class ConfigurationFilesCollection;

/// <summary>
/// appsettings.json reloads when it changes, without a watch over the working folder where the SQLite file and its
/// write-ahead log live by default (every commit woke that watch) and without a kernel watch per folder under it.
/// </summary>
[Collection(nameof(ConfigurationFilesTests))]
public sealed class ConfigurationFilesTests : IDisposable
{
    private const int Folders = 300;
    private readonly TenantsRoot _root = new();
    private readonly string _workingFolder;

    public ConfigurationFilesTests()
    {
        _workingFolder = Path.Combine(_root.Base, "working");
        for (var i = 0; i < Folders; i++)
        {
            Directory.CreateDirectory(Path.Combine(_workingFolder, "data", $"f{i}"));
        }
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task TheWorkingFolderIsNotWatchedFolderByFolder()
    {
        var added = await WatchesAddedByAHostAsync();

        added.Should().BeLessThan(Folders / 10, $"the working folder has {Folders} folders under it and none needs watching");
    }

    [Fact]
    public async Task NegativeControlTheDefaultReloadWatchesEveryFolderUnderTheWorkingFolder()
    {
        var added = await WatchesAddedByAHostAsync("--hostBuilder:reloadConfigOnChange=true");

        added.Should().BeGreaterThanOrEqualTo(Folders, "ASP.NET Core's own reload watches the working folder and every folder under it, so the count can tell");
    }

    [Fact]
    public async Task ASecretChangedInAppSettingsIsReadWithoutARestart()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingFolder, "appsettings.json"), Settings("before"));
        await using var app = WalletCrewHost.Build(WalletCrewHost.CreateBuilder(Settings(), ["--contentRoot", _workingFolder]));
        app.Configuration[SecretKey].Should().Be("before");

        await File.WriteAllTextAsync(Path.Combine(_workingFolder, "appsettings.json"), Settings("after"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (app.Configuration[SecretKey] != "after" && !timeout.IsCancellationRequested)
        {
            await Task.Delay(100);
        }

        app.Configuration[SecretKey].Should().Be("after", "a rotated secret applies without a restart");
    }

    private const string SecretKey = "WalletCrew:Tenants:minimal:Secrets:PARTNER";

    private static string Settings(string secret) => $$"""{ "WalletCrew": { "Tenants": { "minimal": { "Secrets": { "PARTNER": "{{secret}}" } } } } }""";

    private HostSettings Settings() => new() { TenantsRoot = _root.Directory, Urls = "http://127.0.0.1:0", Store = "sqlite:" + _root.DatabasePath };

    private async Task<int> WatchesAddedByAHostAsync(params string[] args)
    {
        var before = InotifyWatches();
        await using var app = WalletCrewHost.Build(WalletCrewHost.CreateBuilder(Settings(), ["--contentRoot", _workingFolder, .. args]));
        return InotifyWatches() - before;
    }

    /// <summary>The kernel watches this process holds, from <c>/proc/self/fdinfo</c> (one line per watch).</summary>
    private static int InotifyWatches()
    {
        var count = 0;
        foreach (var fd in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            try
            {
                if (fd.LinkTarget == "anon_inode:inotify")
                {
                    count += File.ReadLines($"/proc/self/fdinfo/{fd.Name}").Count(line => line.StartsWith("inotify ", StringComparison.Ordinal));
                }
            }
            catch (IOException)
            {
                // A descriptor closed while it was listed.
            }
        }

        return count;
    }
}
