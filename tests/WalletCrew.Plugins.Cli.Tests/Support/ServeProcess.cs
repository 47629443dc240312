using System.Net;
using System.Net.Sockets;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>Waits on a <c>wcp serve</c> started with <see cref="CliRun"/>: a free loopback port for it, and its readiness.</summary>
internal static class ServeProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>GETs <paramref name="path"/>; null while nothing listens yet.</summary>
    public static async Task<HttpStatusCode?> TryGet(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Polls <paramref name="condition"/> for up to 60 s; fails at once, with its error, if <paramref name="serve"/> exits first.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Task<CliRun> serve)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (serve.IsCompleted)
            {
                var run = await serve;
                throw new InvalidOperationException($"wcp serve exited early with {run.ExitCode}: {run.Error}");
            }

            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("wcp serve did not reach the expected state within 60 s.");
    }
}
