using System.Text.Json;
using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Engine;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction's statements on SQLite, run by the <see cref="SqliteWriter"/> inside its batch transaction (which
/// already holds the write lock), on its prepared statements.
/// </summary>
internal sealed class SqliteIngest(SqliteStatements statements) : IngestTransaction
{
    internal const string ReadRegistration = """
        SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM registrations
        WHERE tenant_id = $t AND pass_id = $p AND device = $d AND device_id = $di ORDER BY generation DESC LIMIT 1;
        """;

    /// <summary>The pass's registration counts, kept on its row by every registration change (no row: none yet).</summary>
    internal const string ReadCounts = "SELECT active_count, total_count FROM passes WHERE tenant_id = $t AND pass_id = $p;";

    internal const string CloseRegistration = """
        UPDATE registrations SET unregistered_at = $at, uninstall_event_id = $e
        WHERE tenant_id = $t AND pass_id = $p AND device = $d AND device_id = $di AND generation = $g;
        """;

    // BEGIN IMMEDIATE already holds the database's write lock: reading is all there is to do.
    protected override async Task<CurrentRegistration?> LockPassAndReadRegistrationAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        var current = Command(ReadRegistration).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$d", DeviceNames.ToWire(c.Device)).Add("$di", c.DeviceId);
        await using var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CurrentRegistration(reader.GetInt64(0), reader.IsDBNull(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    protected override async Task<bool> ClaimNonceAsync(IngestCommand c, CancellationToken cancellationToken) =>
        await Command("INSERT INTO wallet_nonces(tenant_id, nonce, received_at) VALUES($t, $n, $ra) ON CONFLICT DO NOTHING;")
            .Add("$t", c.TenantId).Add("$n", c.Nonce).Add("$ra", ToMs(c.ReceivedAt)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;

    protected override async Task SavePushTokenAsync(IngestCommand c, CancellationToken cancellationToken) =>
        await Command("""
            INSERT INTO apple_push_tokens(tenant_id, device_id, pass_type_identifier, push_token, updated_at) VALUES($t, $di, $pti, $pt, $ra)
            ON CONFLICT(tenant_id, device_id, pass_type_identifier) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at;
            """).Add("$t", c.TenantId).Add("$di", c.DeviceId).Add("$pti", c.PushToken!.PassTypeIdentifier).Add("$pt", c.PushToken.Token)
            .Add("$ra", ToMs(c.ReceivedAt)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<(int Active, int Total)> WriteTransitionAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        await (c.Installed ? InsertRegistrationAsync(c, generation, cancellationToken) : CloseRegistrationAsync(c, generation, cancellationToken)).ConfigureAwait(false);
        return await InsertEventAsync(c, cancellationToken).ConfigureAwait(false);
    }

    private async Task InsertRegistrationAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        var insert = Command("""
            INSERT INTO registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            VALUES($t, $p, $d, $di, $g, $at, $e);
            """).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$d", DeviceNames.ToWire(c.Device)).Add("$di", c.DeviceId)
            .Add("$g", generation).Add("$at", ToMs(c.OccurredAt)).Add("$e", c.NewEventId);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CloseRegistrationAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        var update = Command(CloseRegistration).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$d", DeviceNames.ToWire(c.Device)).Add("$di", c.DeviceId)
            .Add("$g", generation).Add("$at", ToMs(c.OccurredAt)).Add("$e", c.NewEventId);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<(int Active, int Total)> CountAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        var count = Command(ReadCounts).Add("$t", c.TenantId).Add("$p", c.PassId);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt32(0), reader.GetInt32(1)) : (0, 0);
    }

    /// <summary>Takes the pass's next sequence number and counts the registration change, then inserts the event; returns the counts after the change.</summary>
    private async Task<(int Active, int Total)> InsertEventAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        // The new event becomes the pass's head when nothing else of the pass is pending (SET reads the row before it); the
        // counts move by the command's CountChange (a pass's first event is an install).
        var pass = Command("""
            INSERT INTO passes(tenant_id, pass_id, last_seq, head_seq, ready_at, active_count, total_count) VALUES($t, $p, 1, 1, $ra, 1, 1)
            ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = last_seq + 1,
                head_seq = COALESCE(head_seq, last_seq + 1), ready_at = CASE WHEN head_seq IS NULL THEN $ra ELSE ready_at END,
                active_count = active_count + $da, total_count = total_count + $dt
            RETURNING last_seq, active_count, total_count;
            """).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$ra", ToMs(c.ReceivedAt)).Add("$da", c.CountChange.Active).Add("$dt", c.CountChange.Total);
        long seq;
        (int Active, int Total) counts;
        await using (var reader = await pass.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (seq, counts) = (reader.GetInt64(0), (reader.GetInt32(1), reader.GetInt32(2)));
        }

        var insert = Command("""
            INSERT INTO events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
                active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
            VALUES($e, $t, $p, $seq, $pt, $d, $di, $i, $ids, $src, $ac, $tc, $oa, $ra, 'pending', $ra, $tp);
            """).Add("$e", c.NewEventId).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$seq", seq).Add("$pt", c.PassType)
            .Add("$d", DeviceNames.ToWire(c.Device)).Add("$di", c.DeviceId).Add("$i", c.Installed ? 1 : 0)
            .Add("$ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options))
            .Add("$src", c.Source is null ? null : JsonSerializer.Serialize(c.Source, StoreJson.Options))
            .Add("$ac", counts.Active).Add("$tc", counts.Total).Add("$oa", ToMs(c.OccurredAt)).Add("$ra", ToMs(c.ReceivedAt)).Add("$tp", c.TraceParent);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return counts;
    }

    private SqliteCommand Command(string sql) => statements.Command(sql);
}
