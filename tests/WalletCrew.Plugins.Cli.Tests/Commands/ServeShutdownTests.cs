using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using WalletCrew.Plugins.Cli.Tests.Support;
using static WalletCrew.Plugins.Cli.Tests.Support.ServeProcess;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// SIGTERM, as systemd, Docker and Kubernetes stop a service, lets <c>wcp serve</c> finish the delivery in flight: the process
/// waits for the hook still running (up to <c>WalletCrew:ShutdownTimeout</c>) and exits 0 with the event delivered on its
/// first attempt. It used to end 2 s after the signal, whatever was running, and the event ran again after the restart.
/// </summary>
public sealed class ServeShutdownTests : IDisposable
{
    private const string Key = "test-key-0123456789abcdef";

    private const string SlowHook = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId => { await Task.Delay(5000); console.log("finished " + passId); }) });
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("wcp-serve-stop-").FullName;

    [Fact]
    public async Task ATermSignalLetsTheDeliveryInFlightFinishAndExitsZero()
    {
        var script = Path.Combine(_work, "tenants", "slow", "server", "script", "hook.csx");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, SlowHook);
        var port = FreePort();
        var output = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var serve = StartServe(_work, Path.Combine(_work, "tenants"), ["--api-key", Key, "--isolation", "in-process"], output, errors, new()
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Key);
            await WaitUntilAsync(
                async () => await TryGet(http, "/health/ready") == HttpStatusCode.OK,
                () => Task.FromResult(serve.HasExited ? $"wcp serve exited early with {serve.ExitCode}: {string.Join('\n', errors)}" : null));
            using var ingest = await http.PostAsync("/api/tenants/slow/passes/P1/installations", new StringContent(
                """{"device":"apple","installed":true,"passType":"loyalty","identifiers":{}}""", Encoding.UTF8, "application/json"));
            ingest.StatusCode.Should().Be(HttpStatusCode.Accepted);
            await Task.Delay(TimeSpan.FromSeconds(1)); // the hook is waiting out its 5 s

            using (var term = Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await serve.WaitForExitAsync(patience.Token);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }

        serve.WaitForExit(); // the output's last lines
        var log = string.Join('\n', output.Concat(errors));
        serve.ExitCode.Should().Be(0, log);
        output.Should().Contain(line => line.Contains("pass P1, attempt 1: delivered", StringComparison.Ordinal), log);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
