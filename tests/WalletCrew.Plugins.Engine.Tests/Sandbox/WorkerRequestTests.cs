using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The worker program answers every request of the host's or ends saying why: a request it cannot answer never leaves the
/// host waiting for a reply until the request's deadline. The program runs here outside the sandbox (no tenant code runs).
/// </summary>
public sealed class WorkerRequestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ACallSentBeforeTheLoadEndsTheWorkerAtOnceNamingTheCall()
    {
        using var worker = Start();
        using var kill = new KillOnDispose(worker);
        var channel = new FrameChannel(worker.StandardOutput.BaseStream, worker.StandardInput.BaseStream, WorkerLoop.MaxFrameBytes);

        await channel.WriteAsync(new InvokeMessage(7, WireConversions.ToWire(TestEvents.Installation())));
        await worker.WaitForExitAsync().WaitAsync(Patience);

        worker.ExitCode.Should().Be(WorkerExitCodes.RequestFailed);
        (await worker.StandardError.ReadToEndAsync()).Should().Contain("InvokeMessage 7 failed").And.Contain("before a LoadMessage");
    }

    [Fact]
    public async Task AWorkerWhoseChannelTheHostClosesEndsCleanly()
    {
        // The control: the same program, sent nothing and closed, ends with its ordinary code (the one above is the request's doing).
        using var worker = Start();
        using var kill = new KillOnDispose(worker);

        worker.StandardInput.Close();
        await worker.WaitForExitAsync().WaitAsync(Patience);

        worker.ExitCode.Should().Be(WorkerExitCodes.Closed);
    }

    private static Process Start()
    {
        var info = new ProcessStartInfo(Path.Combine(WorkerLauncher.DotnetRoot, "dotnet"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(WorkerLauncher.ProgramPath(new SandboxOptions()));
        return Process.Start(info)!;
    }

    private sealed class KillOnDispose(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
