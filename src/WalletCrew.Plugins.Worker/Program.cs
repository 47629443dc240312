using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Sandbox;

// The worker's whole program: one loop over its channel (stdin in, stdout out) until the host closes it.
// The channel's ends are the pipes the host made, opened as pipes: the channel reads them with blocking reads on pool threads
// taking turns (one thread at a time waits in a read) and writes them asynchronously. They are not disposed: disposing the
// reading end after the host closed it hangs (.NET 10), and the process ends right after anyway.
var input = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(0, ownsHandle: false));
var output = new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(1, ownsHandle: false));

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
