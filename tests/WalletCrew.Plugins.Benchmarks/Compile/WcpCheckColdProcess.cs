using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using WalletCrew.Plugins.Benchmarks.Support;

namespace WalletCrew.Plugins.Benchmarks.Compile;

/// <summary>
/// <c>wcp check &lt;sample&gt;</c> as a whole cold process (<c>dotnet wcp.dll</c>, runtime start-up, Roslyn's JIT, compile, bind, exit).
/// Needs <c>dotnet build src/WalletCrew.Plugins.Cli -c Release</c> first; <c>WCP_DLL</c> points it at another build.
/// </summary>
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
public class WcpCheckColdProcess
{
    [Params("minimal", "acme-crm", "acme-typed", "loyalty")]
    public string Sample { get; set; } = "minimal";

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(RepositoryPaths.Wcp))
        {
            throw new InvalidOperationException($"{RepositoryPaths.Wcp} not found: run 'dotnet build src/WalletCrew.Plugins.Cli -c Release' first (or set WCP_DLL).");
        }
    }

    [Benchmark(Description = "wcp check (cold process)")]
    public int Check()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.Wcp);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.SampleTenants, Sample));
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
