using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using WalletCrew.Plugins.Benchmarks.Support;

namespace WalletCrew.Plugins.Benchmarks.Compile;

/// <summary>
/// <c>wcp check &lt;sample&gt;</c> as a whole new process each time (<c>dotnet wcp.dll</c>: runtime start-up, compile in the worker
/// program's compile mode, bind, exit), side by side: two builds of wcp, the Release build and the ReadyToRun publish (what the
/// linux-x64 tool package holds: wcp, the engine, Roslyn and the worker's compiler precompiled), each with the compile cache
/// off (cold: every script compiled) and warm (every script from a cache filled in the setup). docs/benchmarks.md has the commands
/// that make both builds.
/// </summary>
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
public class WcpCheckColdProcess
{
    private string _cacheDirectory = "";

    [Params("minimal", "acme-crm")]
    public string Sample { get; set; } = "minimal";

    [Params("Release build", "ReadyToRun publish")]
    public string Build { get; set; } = "Release build";

    [Params("off", "warm")]
    public string Cache { get; set; } = "off";

    private string WcpDll => Build == "Release build" ? RepositoryPaths.Wcp : RepositoryPaths.WcpReadyToRun;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(WcpDll))
        {
            throw new InvalidOperationException(Build == "Release build"
                ? $"{WcpDll} not found: run 'dotnet build src/WalletCrew.Plugins.Cli -c Release' first."
                : $"{WcpDll} not found: run 'dotnet publish src/WalletCrew.Plugins.Cli -c Release -r linux-x64 -o src/WalletCrew.Plugins.Cli/bin/r2r' first.");
        }

        _cacheDirectory = Path.Combine(Path.GetTempPath(), "wcp-bench-cache", Guid.NewGuid().ToString("N"));
        if (Cache == "warm")
        {
            Check(); // fills the cache: every measured run loads the compiled images
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_cacheDirectory))
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
    }

    [Benchmark(Description = "wcp check (whole process)")]
    public int Check()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WcpDll);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.SampleTenants, Sample));
        start.ArgumentList.Add("--cache");
        start.ArgumentList.Add(Cache == "off" ? "off" : _cacheDirectory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wcp check {Sample} exited with {process.ExitCode}: {output.Result}{error}");
        }

        return process.ExitCode;
    }
}
