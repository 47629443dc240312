using System.Runtime.InteropServices;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The host's files a worker sees, read-only, at their own paths: the one .NET runtime it runs on (the <c>dotnet</c>
/// executable, its host resolver and the shared framework of the host's version), the native libraries that runtime loads
/// (the C and C++ runtimes and the dynamic loader, ICU for cultures, OpenSSL for cryptography) and the time zones. Nothing
/// else of <c>/usr</c>: no shell or other program to start, no other library, no SDK. Every file a worker can read then is
/// one the host itself uses, so it stays in the page cache: a worker reading files in a loop causes no disk reads that
/// would slow the host's own (all of <c>/usr</c>, 6.9 GB on the test machine, did not fit in a worker's memory group).
/// </summary>
internal static class SystemFiles
{
    /// <summary>The library names (before their version) the runtime and its native parts load.</summary>
    private static readonly string[] s_libraries =
    [
        "ld-linux", "ld-musl", "libc.", "libm.", "libdl.", "librt.", "libpthread.", "libgcc_s.", "libstdc++.",
        "libicuuc.", "libicui18n.", "libicudata.", "libssl.", "libcrypto.",
    ];

    /// <summary>Returns bubblewrap's arguments binding these files, read-only, at their own paths.</summary>
    public static IReadOnlyList<string> Binds(IEnumerable<string> paths) => [.. paths.SelectMany(path => new[] { "--ro-bind", path, path })];

    /// <summary>Returns these files' paths, for the runtime installed at <paramref name="dotnetRoot"/>.</summary>
    public static IReadOnlyList<string> Paths(string dotnetRoot)
    {
        var runtime = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        List<string> paths =
        [
            Path.Combine(dotnetRoot, "dotnet"),
            Path.Combine(dotnetRoot, "host", "fxr"),
            runtime,
            .. Directory.Exists("/usr/share/zoneinfo") ? ["/usr/share/zoneinfo"] : Array.Empty<string>(),
            .. Libraries(),
        ];
        return [.. paths.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The libraries, under the names the loader asks for (a bind follows a symbolic link, so <c>libicuuc.so.72</c> is the
    /// library itself inside), one bind each: in the folder the host's C library was loaded from, its parent (where some systems keep the
    /// dynamic loader's link) and <c>/usr/lib64</c> (where the dynamic loader's path, <c>/lib64/ld-linux-x86-64.so.2</c>,
    /// leads on x86-64).
    /// </summary>
    private static IEnumerable<string> Libraries()
    {
        var libc = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5]).StartsWith("libc.so", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .FirstOrDefault() ?? throw new InvalidOperationException("The host's C library was not found in /proc/self/maps.");
        var folder = Path.GetDirectoryName(libc)!;
        return new[] { folder, Path.GetDirectoryName(folder)!, "/usr/lib64" }
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFileSystemEntries)
            .Where(path => s_libraries.Any(Path.GetFileName(path).StartsWith) && IsSoname(Path.GetFileName(path)) && File.Exists(path))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="name"/> is a library's run-time name (<c>libicuuc.so.72</c>, <c>libc.so.6</c>): the one the
    /// loader asks for, not the file's full version nor the link editor's unversioned name (each bind costs bubblewrap ~70 µs
    /// at every worker start).</summary>
    private static bool IsSoname(string name)
    {
        var so = name.LastIndexOf(".so.", StringComparison.Ordinal);
        return so > 0 && name[(so + 4)..] is { Length: > 0 } version && version.All(char.IsAsciiDigit);
    }
}
