using Microsoft.Win32.SafeHandles;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Sandbox;

// The worker's whole program: one loop over its channel (stdin in, stdout out) until the host closes it.
// The channel's ends are the pipes the host made, read and written with plain read(2) and write(2) calls (file streams
// without a buffer): the channel reads them with blocking reads on pool threads taking turns (one thread at a time waits in a read)
// and writes a frame in one blocking write. A pipe stream would go through a Socket on Unix (System.Net.Sockets and its
// telemetry loaded in every worker). They are not disposed: the process ends when the loop does.
var input = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
var output = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);

// `compile [--no-warm-up]`: the host's bounded compiler (no tenant code runs in it); the host kills it past its time bound.
if (args is [CompilerLoop.Mode, ..])
{
    return await CompilerLoop.RunAsync(input, output, CompilerProcess.IdleExit, warmUp: args is not [_, CompilerLoop.NoWarmUp]).ConfigureAwait(false);
}

// Tenant code that blocks a pool thread must not starve the channel either, so the pool starts with more threads than
// the two a small machine would give it.
ThreadPool.GetMinThreads(out var workers, out var completions);
ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
return await WorkerLoop.RunAsync(input, output, spare: args is [WorkerWarmUp.SpareMode]).ConfigureAwait(false);
