using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>
/// Can an ordinary full collection after many reloads crash the process (issue 12, class 13)? Asked in a child process, so
/// a crash fails this test instead of taking the test runner down: <see cref="ReloadCrashProbe"/> reloads a fetching script
/// 60 times under invocations, each reload followed by a blocking full collection.
/// </summary>
[Collection(Support.UnloadCollection.Name)]
public sealed class FullCollectionsAfterReloadsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // plain: GC.Collect only. heapwalk: with the runtime's heap-dump keywords on in-process, as close to dotnet-gcdump as a
    // process gets alone; the gcdump mode (the tool itself, WCP_GCDUMP) crashes today and is run by hand, see docs/architecture.md.
    [Theory]
    [InlineData("plain")]
    [InlineData("heapwalk")]
    public async Task SixtyReloadsEachFollowedByAFullCollectionDoNotCrash(string mode)
    {
        var (exitCode, output) = await RunProbe(mode);

        exitCode.Should().Be(0, $"the probe process must end normally; its output:\n{output}");
        output.Should().Contain($"probe {mode}: 60 cycles");
    }

    private static async Task<(int ExitCode, string Output)> RunProbe(string mode)
    {
        var work = Directory.CreateTempSubdirectory("wcp-probe-");
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = work.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in (string[])["test", typeof(ReloadCrashProbe).Assembly.Location, "--filter", $"FullyQualifiedName~{nameof(ReloadCrashProbe)}", "--logger", "console;verbosity=detailed"])
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment[ReloadCrashProbe.ModeVariable] = mode;
            start.Environment["WCP_RELOAD_CRASH_CYCLES"] = "60";
            using var probe = Process.Start(start)!;
            var stdout = probe.StandardOutput.ReadToEndAsync();
            var stderr = probe.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Patience);
            await probe.WaitForExitAsync(timeout.Token);
            return (probe.ExitCode, await stdout + await stderr);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
