using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Vacuums <c>wcp_passes</c> after every <see cref="Threshold"/> writes to it. That table holds one small row per pass that
/// every ingest, claim and completion of the pass rewrites, and most of those writes change an indexed column (<c>ready_at</c>),
/// so each leaves a dead row version behind, and index entries with it: at a few hundred events a second, autovacuum
/// (which looks at a database once a minute by default) finds tens of thousands of dead versions for a few hundred live rows,
/// and every lookup of a pass walks them (measured: the server's CPU per event fell by 40–55 % with this table vacuumed every
/// second). Counting writes instead of seconds keeps the dead versions bounded at any rate, and an idle host vacuums nothing.
/// One vacuum at a time per host; <c>SKIP_LOCKED</c>, so hosts never queue behind each other's vacuum, and no truncation
/// (which would take the table's exclusive lock, holding every ingest and claim back for a moment, to give back pages the
/// table soon needs again).
/// </summary>
internal sealed partial class PostgresHeadsVacuum(NpgsqlDataSource dataSource, ILogger? logger = null)
{
    /// <summary>Writes to <c>wcp_passes</c> between two vacuums of it.</summary>
    public const int Threshold = 4096;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private long _writes;
    private int _running;
    private long _runs;

    /// <summary>Vacuums started so far.</summary>
    internal long Runs => Interlocked.Read(ref _runs);

    /// <summary>Counts <paramref name="writes"/> pass rows written, and starts a vacuum when enough have added up.</summary>
    public void Note(int writes)
    {
        if (writes <= 0 || Interlocked.Add(ref _writes, writes) < Threshold || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _writes, 0);
        Interlocked.Increment(ref _runs);
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        try
        {
            await using var command = dataSource.CreateCommand("VACUUM (SKIP_LOCKED, TRUNCATE false) wcp_passes");
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or ObjectDisposedException)
        {
            // The next threshold tries again; the store works without it, only slower.
            LogVacuumFailed(exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vacuuming wcp_passes failed; the store keeps working, and tries again after the next writes")]
    private partial void LogVacuumFailed(Exception exception);
}
