namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// The libraries connectors may use that are not part of the framework (Refit and its dependencies). They ship with the
/// engine in <c>connector-libs/</c>, scripts compile against them, and every connector context loads its own copy.
/// </summary>
/// <remarks>
/// The host never references them, so the default context never loads them: a Refit shared with the host keeps every
/// connector that used it alive (research/plugins-unloading.md §4 row 2, <c>RestService</c>'s static factory tables).
/// </remarks>
internal static class ConnectorLibraries
{
    /// <summary>The folder, next to the engine, holding the libraries.</summary>
    public const string FolderName = "connector-libs";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_paths = new(Find);

    /// <summary>Gets the folder the engine was loaded from (where its shipped files are).</summary>
    public static string EngineDirectory { get; } =
        Path.GetDirectoryName(typeof(ConnectorLibraries).Assembly.Location) is { Length: > 0 } directory ? directory : AppContext.BaseDirectory;

    /// <summary>Gets the libraries' paths by simple assembly name.</summary>
    public static IReadOnlyDictionary<string, string> Paths => s_paths.Value;

    /// <summary>
    /// Identifies the shipped libraries and source generators (name, size and time of each file) for the compile cache key:
    /// a new Refit changes the generated code even when the engine's own build does not change.
    /// </summary>
    public static IEnumerable<string> Stamps() =>
        new[] { FolderName, Compilation.SourceGenerators.FolderName }
            .Select(folder => Path.Combine(EngineDirectory, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.dll"))
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Path.GetFileName(path)}:{new FileInfo(path).Length}@{File.GetLastWriteTimeUtc(path).Ticks}");

    private static IReadOnlyDictionary<string, string> Find()
    {
        var folder = Path.Combine(EngineDirectory, FolderName);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.dll").ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>();
    }
}
