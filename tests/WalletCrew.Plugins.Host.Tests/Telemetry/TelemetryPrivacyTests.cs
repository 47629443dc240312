using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Telemetry;

/// <summary>
/// What the host exports about tenant code's outbound calls names no more than the partner's host: a client span's url.full
/// lost its path and query (a webhook's token sat there in every trace), and the request metrics keep no host name (tenant
/// code chooses them, and a series each filled the SDK's 2,000 with one overflow series for everyone). A failed attempt's
/// span has the error status. Controls: the raw .NET instrument does name the host, and a delivered event's span is no error.
/// </summary>
public sealed class TelemetryPrivacyTests
{
    [Fact]
    public async Task OutboundCallsExportNoPathQueryOrHostSeriesAndAFailedAttemptIsAnErrorSpan()
    {
        var closed = LoopbackPorts.Closed();
        using var root = new TenantsRoot()
            .WriteScript("leaky", $$"""
                async Task onPassInstalled(string passId) { await fetch("http://127.0.0.1:{{closed}}/hooks/T0KEN-s3cr3t?sig=abc"); }
                context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
                """)
            .WriteScript("quiet", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (Action<string>)(p => { }) });");
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var raw = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "http.client.request.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                raw.Enqueue(tag.Key);
            }
        });
        listener.Start();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Delivery:RetrySchedule:0"] = "01:00:00" }, services: s => s
            .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)));

        (await host.IngestAsync("leaky", "P1")).Status.Should().Be(HttpStatusCode.Accepted);
        (await host.IngestAsync("quiet", "P1")).Status.Should().Be(HttpStatusCode.Accepted);
        // Spans of every host in this test process reach the exporter: this test's are told by their tenants.
        await HostHarness.WaitUntilAsync(() => Attempted(spans).Count == 2, TimeSpan.FromSeconds(60), "both events were attempted");
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var client = Snapshot(spans).Where(a => a.Kind == ActivityKind.Client && Equals(a.GetTagItem("server.port"), closed)).ToList();
        client.Should().NotBeEmpty("the hook's fetch makes a client span");
        client.Select(a => a.GetTagItem("url.full")).Should().AllBeEquivalentTo($"http://127.0.0.1:{closed}/");
        Snapshot(spans).SelectMany(a => a.TagObjects).Select(t => t.Value?.ToString() ?? "").Should().NotContain(v => v.Contains("s3cr3t", StringComparison.Ordinal));

        var deliveries = Attempted(spans);
        deliveries["leaky"].Status.Should().Be(ActivityStatusCode.Error);
        deliveries["leaky"].StatusDescription.Should().Contain("127.0.0.1");
        deliveries["quiet"].Status.Should().Be(ActivityStatusCode.Unset, "a delivered event is no error (control)");

        var exported = metrics.Where(m => m.Name == "http.client.request.duration").SelectMany(Points).SelectMany(p => p).Select(t => t.Key).ToList();
        exported.Should().NotBeEmpty().And.NotContain("server.address").And.NotContain("server.port").And.NotContain("url.full");
        raw.Should().Contain("server.address", "the raw instrument names the host: the view is what drops it (control)");
    }

    [Theory]
    [InlineData("WalletCrew:Telemetry:SampleInterval", "00:00:00", "WalletCrew:Telemetry:SampleInterval is 00:00:00; it must be between 00:00:00.1000000 and 1.00:00:00.")]
    [InlineData("WalletCrew:Telemetry:OtlpEndpoint", "collector:4317", "WalletCrew:Telemetry:OtlpEndpoint is 'collector:4317'; it must be an absolute http or https address, such as http://collector:4317.")]
    public async Task ABadTelemetrySettingFailsTheStartNamingIt(string key, string value, string failure)
    {
        using var root = new TenantsRoot();

        // On the command line: the exporter's endpoint is read while the host is built, before the harness's own settings.
        var start = () => HostHarness.StartAsync(root, args: [$"--{key}={value}"]);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Equal(failure);
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    // This test's tenants' attempted deliveries, by tenant.
    private static Dictionary<string, Activity> Attempted(List<Activity> spans) => Snapshot(spans)
        .Where(a => a.OperationName == "wcp.deliver" && a.GetTagItem("wcp.outcome") is not null && a.GetTagItem("wcp.tenant_id") is "leaky" or "quiet")
        .GroupBy(a => (string)a.GetTagItem("wcp.tenant_id")!)
        .ToDictionary(g => g.Key, g => g.First());

    private static IEnumerable<IEnumerable<KeyValuePair<string, object?>>> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new List<KeyValuePair<string, object?>>();
            foreach (var tag in point.Tags)
            {
                tags.Add(tag);
            }

            yield return tags;
        }
    }
}
