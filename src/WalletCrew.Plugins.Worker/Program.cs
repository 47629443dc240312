using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using WalletCrew.Plugins.Engine.Sandbox;

// The worker's whole program: one loop over its channel (stdin in, stdout out) until the host closes it.
// The channel's ends are the pipes the host made: opened as pipes, their reads and writes are asynchronous (epoll) and hold
// no pool thread; the console streams would block one per pending read. Tenant code that blocks a pool thread must not
// starve the channel either, so the pool starts with more threads than the two a small machine would give it.
ThreadPool.GetMinThreads(out var workers, out var completions);
ThreadPool.SetMinThreads(Math.Max(workers, 16), completions);
using var input = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(0, ownsHandle: false));
using var output = new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(1, ownsHandle: false));
return await WorkerLoop.RunAsync(input, output).ConfigureAwait(false);
