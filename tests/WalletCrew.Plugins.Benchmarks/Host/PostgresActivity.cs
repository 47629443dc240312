using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// What the PostgreSQL server did in one run, read from its statistics views over a connection to the maintenance database (so
/// the readings add nothing to the run's database): commits and WAL writes and syncs per event, and where the database's client
/// backends were, sampled every 100 ms from <c>pg_stat_activity</c> (running, waiting on a lock or on the WAL, or idle in a
/// transaction while the host prepares its next statement), and the server's CPU time per event when it runs on this machine.
/// The WAL counters and the CPU time are the whole server's.
/// </summary>
internal sealed class PostgresActivity
{
    private const string ClientBackends = "datname = @db AND backend_type = 'client backend'";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly PostgresBenchDatabase database;
    private readonly long[] before;
    private readonly string dataDirectory;
    private readonly TimeSpan? cpuBefore;
    private readonly Dictionary<string, long> states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> statements = new(StringComparer.Ordinal);
    private int samples;
    private TimeSpan sampled;

    private PostgresActivity(PostgresBenchDatabase database, long[] before, string dataDirectory)
    {
        this.database = database;
        this.before = before;
        this.dataDirectory = dataDirectory;
        cpuBefore = PostgresServerCpu.Read(dataDirectory);
    }

    /// <summary>Reads the counters; call right before measuring, so that every later commit of the database is counted and nothing earlier.</summary>
    public static async Task<PostgresActivity> StartAsync(PostgresBenchDatabase database)
    {
        await using var connection = await OpenAsync(database).ConfigureAwait(false);
        await using var show = new NpgsqlCommand("SHOW data_directory;", connection);
        var dataDirectory = (string)(await show.ExecuteScalarAsync().ConfigureAwait(false))!;
        return new PostgresActivity(database, await ReadCountersAsync(connection, database.Name).ConfigureAwait(false), dataDirectory);
    }

    /// <summary>Samples the backends' states until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(database).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT CASE WHEN state = 'active' THEN COALESCE(wait_event_type || ':' || wait_event, 'running') ELSE state END,
                   left(array_to_string((regexp_split_to_array(btrim(query), '\s+'))[1:4], ' '), 48), count(*)
            FROM pg_stat_activity WHERE {ClientBackends} AND state <> 'idle' GROUP BY 1, 2;
            """,
            connection);
        command.Parameters.AddWithValue("db", database.Name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var (state, statement, count) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
                        states[state] = states.GetValueOrDefault(state) + count;
                        statements[$"{state} «{statement}»"] = statements.GetValueOrDefault($"{state} «{statement}»") + count;
                    }
                }

                samples++;
                await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            sampled = Stopwatch.GetElapsedTime(started);
        }
    }

    /// <summary>
    /// Ends the database's connections, so each backend flushes its statistics as it exits, and describes the run per event;
    /// call once the hosts have stopped and the sampling has ended.
    /// </summary>
    public async Task<string> FinishAsync(int events)
    {
        await using var connection = await OpenAsync(database).ConfigureAwait(false);
        await using (var terminate = new NpgsqlCommand($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {ClientBackends};", connection))
        {
            terminate.Parameters.AddWithValue("db", database.Name);
            await terminate.ExecuteScalarAsync().ConfigureAwait(false);
        }

        await using (var left = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE {ClientBackends};", connection))
        {
            left.Parameters.AddWithValue("db", database.Name);
            var started = Stopwatch.GetTimestamp();
            while ((long)(await left.ExecuteScalarAsync().ConfigureAwait(false))! > 0 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        var after = await ReadCountersAsync(connection, database.Name).ConfigureAwait(false);
        // Let the postmaster reap the ended backends, so their CPU time is in its children's total.
        await Task.Delay(200).ConfigureAwait(false);
        var cpu = PostgresServerCpu.Read(dataDirectory) - cpuBefore;
        var cpuText = cpu is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c.TotalMicroseconds / events:N0} µs server CPU, ") : "server CPU not readable here, ";
        double PerEvent(int i) => (after[i] - before[i]) / (double)events;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"PostgreSQL per measured event: {cpuText}{PerEvent(0):0.00} commits, {PerEvent(1):0.00} rollbacks, {PerEvent(2):0.0} WAL records, " +
            $"{PerEvent(3):0.00} WAL writes, {PerEvent(4):0.00} WAL syncs; the database's client backends on average over {samples} samples " +
            $"(backend-time per event): {Describe(states, states.Count, events)}{Environment.NewLine}" +
            $"by statement (the one running, or the last one when idle in transaction): {Describe(statements, 10, events)}");
    }

    // "<key> <backends on average> (<backend-milliseconds per event>)", largest first.
    private string Describe(Dictionary<string, long> counts, int top, int events)
    {
        var perSample = samples == 0 ? 0 : sampled.TotalMilliseconds / samples;
        return string.Join(", ", counts.OrderByDescending(s => s.Value).Take(top).Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Key} {s.Value / (double)Math.Max(1, samples):0.00} ({s.Value * perSample / events:0.00} ms/event)")));
    }

    private static async Task<NpgsqlConnection> OpenAsync(PostgresBenchDatabase database)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Server) { ApplicationName = "wcp-bench-monitor" }.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        return connection;
    }

    private static async Task<long[]> ReadCountersAsync(NpgsqlConnection connection, string name)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT d.xact_commit, d.xact_rollback, w.wal_records, w.wal_write, w.wal_sync
            FROM pg_stat_database d CROSS JOIN pg_stat_wal w WHERE d.datname = @db;
            """,
            connection);
        command.Parameters.AddWithValue("db", name);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        return [.. Enumerable.Range(0, 5).Select(reader.GetInt64)];
    }
}
