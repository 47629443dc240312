using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>
/// A package folder holding this build's WalletCrew.Plugins.Abstractions package and template pack, packed once per test run
/// (<c>dotnet pack --no-build</c>: the build under test), and the restore settings that build a project from it with no network.
/// </summary>
internal static class LocalFeed
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    /// <summary>Gets the feed folder, packing into it on first use.</summary>
    public static Task<string> FolderAsync() => Packed.Value;

    /// <summary>
    /// The <c>dotnet build</c> arguments that restore from <paramref name="feed"/> and the machine's global packages folder (for the
    /// Abstractions' own dependency) only, into <paramref name="packages"/>: an earlier test run's package of the same version is never reused.
    /// </summary>
    public static string[] RestoreArguments(string feed, string packages) =>
        [$"-p:RestoreSources={feed}%3B{GlobalPackagesFolder}", $"-p:RestorePackagesPath={packages}"];

    private static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static async Task<string> PackAsync()
    {
        var feed = Path.Combine(Path.GetTempPath(), "wcp-tests", "feed-" + Guid.NewGuid().ToString("N"));
        foreach (var project in new[] { "WalletCrew.Plugins.Abstractions", "WalletCrew.Plugins.Templates" })
        {
            var pack = await DotnetProcess.RunAsync(
                TimeSpan.FromMinutes(3), "pack", Path.Combine(RepositoryPaths.Root, "src", project), "-c", Configuration, "--no-build", "-nologo", "-o", feed);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack.Output}");
            }
        }

        return feed;
    }
}
