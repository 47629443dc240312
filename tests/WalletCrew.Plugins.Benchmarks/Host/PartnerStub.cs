using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// The partner: answers 200 to every POST, after <paramref name="latency"/> (a partner's own work; none by default), and keeps a
/// count and the arrival time of each request (up to its capacity). The bare-exchange bound posts to <c>/bare</c>, never delayed.
/// </summary>
internal sealed class PartnerStub(int capacity, TimeSpan latency)
{
    private readonly long[] timestamps = new long[capacity];
    private int count;

    public int Count => Volatile.Read(ref count);

    public long LastTimestamp => timestamps.Take(Math.Min(Count, timestamps.Length)).DefaultIfEmpty(Stopwatch.GetTimestamp()).Max();

    public WebApplication Build(int port)
    {
        // Not watching the working folder: from /tmp the default builder would put an inotify watch on every folder under it,
        // and every page the host's SQLite writer writes into its folder there would raise an event (3–4 % of the host's CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [ConfigurationFiles.NoFolderWatch] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/wallet/installation", async () =>
        {
            var index = Interlocked.Increment(ref count) - 1;
            if (index < timestamps.Length)
            {
                timestamps[index] = Stopwatch.GetTimestamp();
            }

            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency).ConfigureAwait(false);
            }

            return Results.Ok();
        });
        app.MapPost("/bare", () => Results.Ok());
        return app;
    }

    public async Task<bool> WaitForAsync(int expected, TimeSpan patience)
    {
        var started = Stopwatch.GetTimestamp();
        while (Count < expected)
        {
            if (Stopwatch.GetElapsedTime(started) > patience)
            {
                return false;
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        return true;
    }
}
