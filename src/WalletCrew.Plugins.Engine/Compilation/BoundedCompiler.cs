using System.Collections.Concurrent;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Compiles scripts in compiler processes under a wall-time and a memory bound (<see cref="ConnectorEngineOptions.CompileTimeout"/>,
/// <see cref="ConnectorEngineOptions.CompileMemoryLimitBytes"/>). A script that passes one fails with a diagnostic naming the
/// bound and its setting; the host, and every other tenant's compiles and reloads, go on.
/// </summary>
/// <remarks>Each compile has a process to itself; idle processes are kept warm for the next compile (any engine of this
/// process), up to <see cref="MaxIdle"/> per program, memory limit and warm-up, and end by themselves after <see cref="CompilerProcess.IdleExit"/>.</remarks>
internal sealed class BoundedCompiler(string programPath, TimeSpan timeout, long memoryLimitBytes, IReadOnlyList<string> additionalReferences, bool checkpoints, bool warmUp = true)
{
    private const int MaxIdle = 2;

    private static readonly ConcurrentDictionary<(string Program, long Memory, bool WarmUp), ConcurrentStack<CompilerProcess>> Idle = new();

    public CompiledScript Compile(ScriptSource source)
    {
        var request = new CompileMessage(1, source.TenantId, source.DisplayPath, source.Text, additionalReferences, checkpoints, (long)timeout.TotalMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            var process = Rent();
            var outcome = process.Compile(request, timeout);
            if (outcome.Reply is { } reply)
            {
                Return(process);
                var insertions = reply.Insertions.Select(pair => (pair[0], pair[1])).ToList();
                return new CompiledScript(source, new SourceMap(source.Text, insertions), reply.Image, reply.Diagnostics);
            }

            process.Dispose();
            if (outcome.Failure == CompileFailure.Idle && attempt < 3)
            {
                continue;
            }

            var (code, message) = outcome.Failure switch
            {
                CompileFailure.TimedOut => (LimitCodes.CompileTimedOut, LimitMessages.CompileTimedOut(timeout)),
                CompileFailure.OutOfMemory => (LimitCodes.CompileOutOfMemory, LimitMessages.CompileOutOfMemory(memoryLimitBytes)),
                _ => (LimitCodes.CompilerFailed, LimitMessages.CompilerCrashed(outcome.Reason ?? "it crashed")),
            };

            // Not kept in the disk cache: a bound depends on the machine and the settings, not on the text alone.
            return new CompiledScript(source, SourceMap.Identity(source.Text), null,
                [new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, code, message)])
            {
                Cacheable = false,
            };
        }
    }

    private CompilerProcess Rent()
    {
        var idle = Idle.GetOrAdd((programPath, memoryLimitBytes, warmUp), _ => new ConcurrentStack<CompilerProcess>());
        while (idle.TryPop(out var process))
        {
            if (!process.HasEnded)
            {
                return process;
            }

            process.Dispose();
        }

        return CompilerProcess.Start(programPath, memoryLimitBytes, warmUp);
    }

    private void Return(CompilerProcess process)
    {
        var idle = Idle.GetOrAdd((programPath, memoryLimitBytes, warmUp), _ => new ConcurrentStack<CompilerProcess>());
        if (idle.Count < MaxIdle)
        {
            idle.Push(process);
        }
        else
        {
            process.Dispose();
        }
    }
}
