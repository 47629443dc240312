namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>Locates folders of the repository from the benchmark's output folder (BenchmarkDotNet runs a child process below it).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleTenants => Path.Combine(Root, "plugins-sample", "tenants");

    /// <summary>Gets wcp.dll as <c>dotnet build src/WalletCrew.Plugins.Cli -c Release</c> leaves it.</summary>
    public static string Wcp => Path.Combine(Root, "src", "WalletCrew.Plugins.Cli", "bin", "Release", "net10.0", "wcp.dll");

    /// <summary>Gets wcp.dll as <c>dotnet publish src/WalletCrew.Plugins.Cli -c Release -r linux-x64 -o src/WalletCrew.Plugins.Cli/bin/r2r</c> leaves it: the linux-x64 tool package's ReadyToRun files.</summary>
    public static string WcpReadyToRun => Path.Combine(Root, "src", "WalletCrew.Plugins.Cli", "bin", "r2r", "wcp.dll");

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
