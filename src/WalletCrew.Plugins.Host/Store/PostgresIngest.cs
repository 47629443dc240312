using System.Text.Json;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction's statements on PostgreSQL. The first takes the pass's row lock (an upsert), so two hosts
/// ingesting for one pass queue up behind each other, and every later statement (read committed) sees what the previous
/// holder committed.
/// </summary>
internal sealed class PostgresIngest(NpgsqlConnection connection) : IngestTransaction
{
    private long _lastSeq;

    protected override async Task LockPassAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var pass = new NpgsqlCommand("""
            INSERT INTO wcp_passes(tenant_id, pass_id, last_seq) VALUES(@t, @p, 0)
            ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = wcp_passes.last_seq
            RETURNING last_seq;
            """, connection).Add("t", c.TenantId).Add("p", c.PassId);
        _lastSeq = (long)(await pass.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    protected override async Task<CurrentRegistration?> ReadRegistrationAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var current = new NpgsqlCommand("""
            SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM wcp_registrations
            WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di ORDER BY generation DESC LIMIT 1;
            """, connection).Add("t", c.TenantId).Add("p", c.PassId).Add("d", DeviceName(c.Device)).Add("di", c.DeviceId);
        await using var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CurrentRegistration(reader.GetInt64(0), reader.IsDBNull(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    protected override async Task InsertRegistrationAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO wcp_registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
            VALUES(@t, @p, @d, @di, @g, @at, @e);
            """, connection).Add("t", c.TenantId).Add("p", c.PassId).Add("d", DeviceName(c.Device)).Add("di", c.DeviceId)
            .Add("g", generation).Add("at", ToMs(c.OccurredAt)).Add("e", c.NewEventId);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task CloseRegistrationAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE wcp_registrations SET unregistered_at = @at, uninstall_event_id = @e
            WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di AND generation = @g;
            """, connection).Add("t", c.TenantId).Add("p", c.PassId).Add("d", DeviceName(c.Device)).Add("di", c.DeviceId)
            .Add("g", generation).Add("at", ToMs(c.OccurredAt)).Add("e", c.NewEventId);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<(int Active, int Total)> CountAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("""
            SELECT COUNT(*) FILTER (WHERE unregistered_at IS NULL)::int, COUNT(*)::int
            FROM wcp_registrations WHERE tenant_id = @t AND pass_id = @p;
            """, connection).Add("t", c.TenantId).Add("p", c.PassId);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    protected override async Task InsertEventAsync(IngestCommand c, int activeCount, int totalCount, CancellationToken cancellationToken)
    {
        // The pass's row is locked by this transaction since LockPassAsync: its last_seq is still the one read there.
        await using var insert = new NpgsqlCommand("""
            UPDATE wcp_passes SET last_seq = @seq WHERE tenant_id = @t AND pass_id = @p;
            INSERT INTO wcp_events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
                active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
            VALUES(@e, @t, @p, @seq, @pt, @d, @di, @i, @ids, @src, @ac, @tc, @oa, @ra, 'pending', @ra, @tp);
            """, connection).Add("e", c.NewEventId).Add("t", c.TenantId).Add("p", c.PassId).Add("seq", _lastSeq + 1).Add("pt", c.PassType)
            .Add("d", DeviceName(c.Device)).Add("di", c.DeviceId).Add("i", c.Installed)
            .Add("ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options))
            .Add("src", c.Source is null ? null : JsonSerializer.Serialize(c.Source, StoreJson.Options))
            .Add("ac", activeCount).Add("tc", totalCount).Add("oa", ToMs(c.OccurredAt)).Add("ra", ToMs(c.ReceivedAt)).Add("tp", c.TraceParent);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
