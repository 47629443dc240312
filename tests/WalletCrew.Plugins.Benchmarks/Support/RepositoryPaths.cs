namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>Locates folders of the repository from the benchmark's output folder (BenchmarkDotNet runs a child process below it).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleTenants => Path.Combine(Root, "plugins-sample", "tenants");

    /// <summary>Gets the wcp.dll to run: <c>WCP_DLL</c> when set (e.g. a ReadyToRun publish), else the Release build of the CLI.</summary>
    public static string Wcp => Environment.GetEnvironmentVariable("WCP_DLL") is { Length: > 0 } path
        ? Path.GetFullPath(path)
        : Path.Combine(Root, "src", "WalletCrew.Plugins.Cli", "bin", "Release", "net10.0", "wcp.dll");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "WalletCrew.Plugins.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("WalletCrew.Plugins.sln not found above " + AppContext.BaseDirectory + "; run the benchmarks from the repository.");
    }
}
