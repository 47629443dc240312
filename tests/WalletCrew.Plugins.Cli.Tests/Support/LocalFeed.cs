using System.Text.Json;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>
/// A package folder holding this build's WalletCrew.Plugins.Abstractions package and template pack, packed once per test run
/// (<c>dotnet pack --no-build</c>: the build under test), with the packages the Abstractions depend on copied in from the machine's
/// package folder; and the restore settings that build a project from it alone, with no network.
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
    /// The <c>dotnet build</c> arguments that restore from <paramref name="feed"/> only, into <paramref name="packages"/>: neither
    /// the network nor a copy of the same version in the machine's package folder (an earlier build's) takes part.
    /// </summary>
    public static string[] RestoreArguments(string feed, string packages) => [$"-p:RestoreSources={feed}", $"-p:RestorePackagesPath={packages}"];

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

        CopyDependencies(feed);
        return feed;
    }

    // Every package the Abstractions project restored (its dependencies, analyzers included: harmless), from the package folder
    // its restore used.
    private static void CopyDependencies(string feed)
    {
        var assetsFile = Path.Combine(RepositoryPaths.Root, "src", "WalletCrew.Plugins.Abstractions", "obj", "project.assets.json");
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var packageFolder = assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() == "package")
            {
                var path = library.Value.GetProperty("path").GetString()!;  // "<id>/<version>", lower case
                var nupkg = path.Replace('/', '.') + ".nupkg";
                File.Copy(Path.Combine(packageFolder, path, nupkg), Path.Combine(feed, nupkg));
            }
        }
    }
}
