using System.Diagnostics.Metrics;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>Sums the host's group-commit measurements (<see cref="StoreMetrics.BatchWrites"/>) in its own process.</summary>
internal sealed class StoreCommits : IDisposable
{
    private readonly MeterListener listener = new();
    private long commits;
    private long writes;

    public StoreCommits()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HostTelemetry.Name && instrument.Name == StoreMetrics.BatchWrites)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref writes, value);
        });
        listener.Start();
    }

    public long Commits => Interlocked.Read(ref commits);

    public long Writes => Interlocked.Read(ref writes);

    public void Dispose() => listener.Dispose();
}
