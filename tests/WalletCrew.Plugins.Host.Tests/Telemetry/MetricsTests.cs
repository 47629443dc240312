using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Telemetry;

public sealed class MetricsTests
{
    [Fact]
    public async Task GaugesReportPendingAndDeadLettersPerTenantAndCountersReportOutcomes()
    {
        using var root = new TenantsRoot().WriteScript("metered", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Tenants:metered:Secrets:MODE"] = "down",
            ["WalletCrew:Delivery:RetrySchedule:0"] = "01:00:00",
            ["WalletCrew:Telemetry:SampleInterval"] = "00:00:00.100",
        });
        var seen = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "WalletCrew.Plugins.Host")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(seen, instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(seen, instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(seen, instrument, value, tags));
        listener.Start();

        await host.IngestAsync("metered", "P1");
        await host.IngestAsync("metered", "P2");

        await HostHarness.WaitUntilAsync(() =>
        {
            listener.RecordObservableInstruments();
            return seen.GetValueOrDefault("wcp.queue.pending/metered") == 2 && seen.GetValueOrDefault("wcp.deliveries/metered/retry") == 2;
        }, TimeSpan.FromSeconds(30), "the gauges show two pending events and the counter two retries");
        seen["wcp.events.ingested/metered"].Should().Be(2);
        seen["wcp.dead_letters/metered"].Should().Be(0);
    }

    private static void Record<T>(ConcurrentDictionary<string, double> seen, Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        string? tenant = null, outcome = null;
        foreach (var tag in tags)
        {
            tenant = tag.Key == "tenant" ? tag.Value as string : tenant;
            outcome = tag.Key == "outcome" ? tag.Value as string : outcome;
        }

        if (tenant != "metered")
        {
            return;
        }

        var key = outcome is null ? $"{instrument.Name}/{tenant}" : $"{instrument.Name}/{tenant}/{outcome}";
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        if (instrument is ObservableInstrument<T>)
        {
            seen[key] = number;
        }
        else
        {
            seen.AddOrUpdate(key, number, (_, old) => old + number);
        }
    }
}
