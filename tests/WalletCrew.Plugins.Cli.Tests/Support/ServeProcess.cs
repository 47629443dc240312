using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>Waits on a <c>wcp serve</c> started with <see cref="CliRun"/>: a free loopback port for it, and its readiness.</summary>
internal static class ServeProcess
{
    /// <summary>
    /// Starts <c>wcp serve</c> as a process of its own in <paramref name="work"/> (its SQLite store there), on the tenants in
    /// <paramref name="tenants"/>, collecting its output lines.
    /// </summary>
    public static Process StartServe(string work, string tenants, string[] options, ConcurrentQueue<string> output, ConcurrentQueue<string> errors, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "wcp.dll"), "serve", "--tenants", tenants, "--store", "sqlite:" + Path.Combine(work, "wcp.db"), .. options])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => errors.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

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
    public static Task WaitUntilAsync(Func<Task<bool>> condition, Task<CliRun> serve) =>
        WaitUntilAsync(condition, async () => serve.IsCompleted && await serve is var run ? $"wcp serve exited early with {run.ExitCode}: {run.Error}" : null);

    /// <summary>Polls <paramref name="condition"/> for up to 60 s; fails at once if <paramref name="exited"/> names why serve ended first.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string?>> exited)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (await exited() is { } why)
            {
                throw new InvalidOperationException(why);
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
