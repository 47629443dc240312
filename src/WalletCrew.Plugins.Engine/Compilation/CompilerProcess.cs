using System.Diagnostics;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// The host's end of one compiler process (the worker program in its <c>compile</c> mode): one compile at a time, a hard
/// wall-time bound enforced by killing the process, and a GC heap hard limit set when it starts.
/// </summary>
internal sealed class CompilerProcess : IDisposable
{
    /// <summary>How long a compiler process with nothing to do stays warm before it ends by itself.</summary>
    public static readonly TimeSpan IdleExit = TimeSpan.FromMinutes(2);

    private const int StderrLinesKept = 10;

    /// <summary>How long the host waits for a process that ended, or was killed, to be gone.</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    // How often a compile's processor time is read while it runs.
    private static readonly TimeSpan BoundCheck = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly FrameChannel _channel;
    private readonly StderrTail _stderr;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<WorkerMessage> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _killed;

    private CompilerProcess(Process process)
    {
        _process = process;
        _channel = new FrameChannel(process.StandardOutput.BaseStream, process.StandardInput.BaseStream, WorkerLoop.MaxFrameBytes);
        _ = Task.Run(ReadAsync);
        _stderr = new StderrTail(process.StandardError.BaseStream, StderrLinesKept, Kill);
    }

    /// <summary>Gets the limit this process's heap was started with.</summary>
    public long MemoryLimitBytes { get; private init; }

    public bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>Starts a compiler process with an environment of its own: nothing of the host's settings or secrets.</summary>
    /// <param name="programPath">The worker program.</param>
    /// <param name="memoryLimitBytes">Its GC heap limit.</param>
    /// <param name="warmUp">Whether it compiles its warm-up script before it says it is ready (<see cref="ConnectorEngineOptions.CompilerWarmUp"/>).</param>
    public static CompilerProcess Start(string programPath, long memoryLimitBytes, bool warmUp = true)
    {
        var start = new ProcessStartInfo(Path.Combine(WorkerLauncher.DotnetRoot, "dotnet"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(programPath)!,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(programPath);
        start.ArgumentList.Add(CompilerLoop.Mode);
        if (!warmUp)
        {
            start.ArgumentList.Add(CompilerLoop.NoWarmUp);
        }

        var inherited = start.Environment.Where(e => e.Key is "LANG" or "LC_ALL" or "LC_MESSAGES" or "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT").ToList();
        start.Environment.Clear();
        foreach (var (name, value) in inherited)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in WorkerLauncher.RuntimeSettings(memoryLimitBytes))
        {
            start.Environment[name] = value;
        }
        return new CompilerProcess(Process.Start(start) ?? throw new InvalidOperationException("The compiler process did not start."))
        {
            MemoryLimitBytes = memoryLimitBytes,
        };
    }

    /// <summary>Compiles one script; past <paramref name="timeout"/> of its processor time, or <see cref="EngineDefaults.CompileWallTimeFactor"/>
    /// times it in wall time, the process is killed.</summary>
    public CompileOutcome Compile(CompileMessage request, TimeSpan timeout)
    {
        // The bound is the script's: it starts once the process has loaded and warmed up its compiler (unless it was started
        // without the warm-up: then its first compile's bound includes the compiler's start).
        if (Task.WaitAny([_ready.Task, _ended.Task], CompilerLoop.StartTimeout) != 0)
        {
            if (!_ended.Task.IsCompleted)
            {
                Kill();
                return new CompileOutcome(null, CompileFailure.Crashed, $"it did not start within {CompilerLoop.StartTimeout.TotalSeconds:0} s");
            }

            _process.WaitForExit(ExitWait);
            return DescribeExit();
        }

        _reply = new TaskCompletionSource<WorkerMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _channel.WriteAsync(request).GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // It ended (idle, killed) before it read the request: the reason is its exit.
        }

        var finished = WaitWithin(timeout);
        if (finished == 0 && _reply.Task.Result is CompiledReply reply)
        {
            return new CompileOutcome(reply, CompileFailure.None, null);
        }

        if (finished < 0)
        {
            // Reported once the process is gone, so a stopped compile no longer holds a core (a large heap takes a
            // while to unmap after the kill).
            Kill();
            _process.WaitForExit(ExitWait);
            return new CompileOutcome(null, CompileFailure.TimedOut, null);
        }

        if (finished == 0)
        {
            // Anything but its answer is a broken process.
            Kill();
            return new CompileOutcome(null, CompileFailure.Crashed, "it answered with a message it may not send");
        }

        _process.WaitForExit(ExitWait);
        return DescribeExit();
    }

    /// <summary>Waits for the answer or the process's end (0 or 1), or -1 once the compile has used <paramref name="timeout"/>
    /// of processor time or its wall-time backstop: on a busy host the compiler gets less than a core, and its processor time
    /// is what the script costs.</summary>
    private int WaitWithin(TimeSpan timeout)
    {
        var wall = Stopwatch.StartNew();
        var before = ProcessTree.Usage(_process.Id).CpuTime;
        int finished;
        while ((finished = Task.WaitAny([_reply.Task, _ended.Task], BoundCheck)) < 0)
        {
            if (ProcessTree.Usage(_process.Id).CpuTime - before > timeout || wall.Elapsed > timeout * EngineDefaults.CompileWallTimeFactor)
            {
                break;
            }
        }

        return finished;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (!_ended.Task.Wait(TimeSpan.FromSeconds(1)))
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Kill()
    {
        _killed = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private CompileOutcome DescribeExit()
    {
        _stderr.WaitReadAsync().Wait();
        var code = _process.HasExited ? _process.ExitCode : -1;
        if (ChildExits.IsOutOfMemory(code, _stderr))
        {
            return new CompileOutcome(null, CompileFailure.OutOfMemory, null);
        }

        if (code == WorkerExitCodes.CompileTimedOut)
        {
            return new CompileOutcome(null, CompileFailure.TimedOut, null);
        }

        if (code == WorkerExitCodes.Idle && !_killed)
        {
            return new CompileOutcome(null, CompileFailure.Idle, null);
        }

        var reason = ChildExits.IsStackOverflow(_stderr) ? "a stack overflow in the compiler" : ChildExits.Name(code);
        return new CompileOutcome(null, CompileFailure.Crashed, reason);
    }

    private async Task ReadAsync()
    {
        try
        {
            await _channel.ReadAllAsync(
                message =>
                {
                    if (message is CompilerReady)
                    {
                        _ready.TrySetResult();
                    }
                    else
                    {
                        _reply.TrySetResult(message);
                    }
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            Kill();
        }

        _ended.TrySetResult();
    }

}

/// <summary>How one compile in a <see cref="CompilerProcess"/> ended: its answer, or why there is none.</summary>
internal readonly record struct CompileOutcome(CompiledReply? Reply, CompileFailure Failure, string? Reason);

/// <summary>Why a <see cref="CompilerProcess"/> gave no answer.</summary>
internal enum CompileFailure
{
    None,

    /// <summary>It passed the compile-time bound and was killed.</summary>
    TimedOut,

    /// <summary>Its heap reached the compile-memory bound.</summary>
    OutOfMemory,

    /// <summary>It crashed, or broke the protocol.</summary>
    Crashed,

    /// <summary>It had ended on its own after going unused: not the script's doing; another process tries again.</summary>
    Idle,
}
