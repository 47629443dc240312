using System.Collections.Concurrent;
using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Starts worker processes from one thread that lives as long as the host. bubblewrap's <c>--die-with-parent</c> is the
/// kernel's parent-death signal, which fires when the <em>thread</em> that forked the child ends: started from a pool
/// thread, a worker would be killed whenever the pool retires that thread.
/// </summary>
internal static class ProcessStarter
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessStarter()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "wcp worker starter" };
        thread.Start();
    }

    public static Process Start(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException("bubblewrap did not start."));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                started.SetException(exception);
            }
        }
    }
}
