using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// The compiler process's one loop (the worker program's <c>compile</c> mode): read a <see cref="CompileMessage"/>, compile
/// and check the script, answer a <see cref="CompiledReply"/>. One script at a time: the host gives each compile a process
/// of its own, so it can kill a compile that passes its time or memory bound without touching anyone else's.
/// </summary>
/// <remarks>Roslyn offers no bound of its own: nested lambdas over overloaded methods bind in exponential time without
/// looking at the cancellation token, and constant folding can allocate gigabytes. A process can be killed.</remarks>
internal static class CompilerLoop
{
    /// <summary>How long past the limit a compile whose host is gone goes on before the process ends by itself.</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    /// <summary>How long a compiler process may take to load and warm up before the host gives up on it.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The worker program's argument that runs this loop.</summary>
    public const string Mode = "compile";

    /// <summary>The argument after <see cref="Mode"/> that skips the warm-up compile (<see cref="ConnectorEngineOptions.CompilerWarmUp"/>).</summary>
    public const string NoWarmUp = "--no-warm-up";

    private const string WarmUpScript = """
        Task onPassInstalled(string passId) { Log.LogInformation("{PassId}", passId); return Task.CompletedTask; }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    public static async Task<int> RunAsync(Stream input, Stream output, TimeSpan idleExit, bool warmUp = true)
    {
        var channel = new FrameChannel(input, output, WorkerLoop.MaxFrameBytes, blockingWrites: true);
        var compilers = new Dictionary<(string References, bool Checkpoints), ScriptCompiler>();

        // Warm up first (load the compiler, compile its paths), then say so: the host starts a script's time bound only
        // after this, so a busy machine's slow start is never taken for a compile bomb. A one-shot command skips it.
        if (warmUp)
        {
            Compile(new CompileMessage(0, "warm-up", "warm-up.csx", WarmUpScript, [], true, (long)StartTimeout.TotalMilliseconds), compilers);
        }

        await channel.WriteAsync(new CompilerReady(0)).ConfigureAwait(false);
        using var idle = new Timer(_ => Environment.Exit(WorkerExitCodes.Idle), null, idleExit, Timeout.InfiniteTimeSpan);
        try
        {
            await channel.ReadAllAsync(
                message =>
                {
                    idle.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    var reply = message is CompileMessage compile
                        ? Compile(compile, compilers)
                        : throw new InvalidDataException($"The compiler does not take {message.GetType().Name} requests.");
                    channel.WriteAsync(reply).GetAwaiter().GetResult();
                    idle.Change(idleExit, Timeout.InfiniteTimeSpan);
                },
                CancellationToken.None).ConfigureAwait(false);
            return WorkerExitCodes.Closed;
        }
        catch (InvalidDataException exception)
        {
            await Console.Error.WriteLineAsync($"wcp compiler: {exception.Message}").ConfigureAwait(false);
            return WorkerExitCodes.ProtocolError;
        }
    }

    private static CompiledReply Compile(CompileMessage request, Dictionary<(string, bool), ScriptCompiler> compilers)
    {
        var key = (string.Join('\n', request.AdditionalReferences), request.Checkpoints);
        if (!compilers.TryGetValue(key, out var compiler))
        {
            compilers[key] = compiler = new ScriptCompiler(request.AdditionalReferences, Policy.ApiPolicy.Default, request.Checkpoints);
        }

        // Should the host be gone (killed, no one left to kill this process), the bound still holds.
        using var watchdog = new Timer(_ => Environment.Exit(WorkerExitCodes.CompileTimedOut), null,
            TimeSpan.FromMilliseconds(request.TimeoutMs) * EngineDefaults.CompileWallTimeFactor + OrphanGrace, Timeout.InfiniteTimeSpan);
        try
        {
            var compiled = compiler.Compile(new ScriptSource(request.TenantId, request.DisplayPath, request.Text));
            return new CompiledReply(request.Id, compiled.Image, [.. compiled.Map.Insertions.Select(i => new[] { i.OriginalPosition, i.Length })], compiled.Diagnostics);
        }
        catch (OutOfMemoryException)
        {
            // The heap is at its hard limit: the host names the memory bound from this exit code.
            Environment.Exit(WorkerExitCodes.OutOfMemory);
            throw;
        }
        catch (Exception exception)
        {
            // A compiler bug on this input: the script fails with the reason, the process goes on.
            return new CompiledReply(request.Id, null, [],
                [new ConnectorDiagnostic(request.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, LimitCodes.CompilerFailed, LimitMessages.CompilerFailed($"{exception.GetType().Name}: {exception.Message}"))]);
        }
    }
}
