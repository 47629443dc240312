using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using WalletCrew.Plugins.Benchmarks.Support;

namespace WalletCrew.Plugins.Benchmarks.Compile;

/// <summary>
/// <c>wcp check &lt;sample&gt;</c> as a whole cold process (<c>dotnet wcp.dll</c>, runtime start-up, Roslyn's JIT, compile, bind, exit).
/// Two builds of wcp: the Release build, and a ReadyToRun publish (Roslyn and the engine precompiled to native code); see
/// docs/benchmarks.md for the commands that make them.
/// </summary>
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
public class WcpCheckColdProcess
{
    [Params("minimal", "acme-crm", "acme-typed", "loyalty")]
    public string Sample { get; set; } = "minimal";

    [Params("Release build", "ReadyToRun publish")]
    public string Build { get; set; } = "Release build";

    private string WcpDll => Build == "Release build" ? RepositoryPaths.Wcp : RepositoryPaths.WcpReadyToRun;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(WcpDll))
        {
            throw new InvalidOperationException(Build == "Release build"
                ? $"{WcpDll} not found: run 'dotnet build src/WalletCrew.Plugins.Cli -c Release' first."
                : $"{WcpDll} not found: run 'dotnet publish src/WalletCrew.Plugins.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o src/WalletCrew.Plugins.Cli/bin/r2r' first.");
        }
    }

    [Benchmark(Description = "wcp check (cold process)")]
    public int Check()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WcpDll);
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
