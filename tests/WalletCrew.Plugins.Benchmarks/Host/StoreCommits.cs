using System.Diagnostics.Metrics;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>Sums the host's group-commit measurements (<see cref="StoreMetrics.BatchWrites"/>) and SQLite's checkpoints in its own process.</summary>
internal sealed class StoreCommits : IDisposable
{
    private readonly MeterListener listener = new();
    private long commits;
    private long writes;
    private long checkpoints;

    public StoreCommits()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HostTelemetry.Name && instrument.Name is StoreMetrics.BatchWrites or StoreMetrics.Checkpoints)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref writes, value);
        });
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref checkpoints, value));
        listener.Start();
    }

    public long Commits => Interlocked.Read(ref commits);

    public long Writes => Interlocked.Read(ref writes);

    /// <summary>SQLite checkpoints that copied pages: each flushes the log and the database file (two fsyncs).</summary>
    public long Checkpoints => Interlocked.Read(ref checkpoints);

    public void Dispose() => listener.Dispose();
}
