using System.Diagnostics.Metrics;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>
/// The stores' group commit, for sizing a host: each transaction the host commits for its writers, with how many writes it
/// carried (<c>wcp.store.batch.writes</c>: its count is the commits, its sum the writes), and SQLite's checkpoints. A static
/// meter, unlike <see cref="HostMetrics"/>: the stores' writers are made below the service container, and the
/// <c>db.namespace</c> tag tells apart the hosts of one process (tests).
/// </summary>
internal static class StoreMetrics
{
    /// <summary>The instrument's name, for listeners in the same process.</summary>
    public const string BatchWrites = "wcp.store.batch.writes";

    /// <summary>The SQLite checkpoints' instrument name, for listeners in the same process.</summary>
    public const string Checkpoints = "wcp.store.sqlite.checkpoints";

    private static readonly Meter s_meter = new(HostTelemetry.Name);

    private static readonly Histogram<int> s_batch = s_meter.CreateHistogram<int>(
        BatchWrites, unit: "{write}", description: "Writes committed together in one transaction of the host's group commit (ingests, claims, completions), per transaction.");

    private static readonly Counter<long> s_checkpoints = s_meter.CreateCounter<long>(
        Checkpoints, description: "SQLite checkpoints that copied pages from the write-ahead log into the database file.");

    /// <param name="batch">Which group commit: <c>wcp.store.sqlite</c> (every SQLite write), or a PostgreSQL one (<c>wcp.store.ingest</c>, <c>wcp.store.complete</c>, <c>wcp.store.complete_email</c>).</param>
    /// <param name="database">The SQLite file's path, or the PostgreSQL database's name (<c>db.namespace</c>).</param>
    public static void Committed(string batch, string database, int writes) =>
        s_batch.Record(writes, new KeyValuePair<string, object?>("batch", batch), new KeyValuePair<string, object?>("db.namespace", database));

    public static void Checkpointed() => s_checkpoints.Add(1);
}
