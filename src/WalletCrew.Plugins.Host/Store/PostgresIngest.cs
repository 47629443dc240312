using System.Text.Json;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction's statements on PostgreSQL. The first statement takes the pass's row lock (an upsert), so two
/// hosts ingesting for one pass queue up behind each other, and every later statement (read committed) sees what the
/// previous holder committed. The caller owns the transaction and commits only when <see cref="IngestOutcome.Created"/>.
/// </summary>
internal static class PostgresIngest
{
    public static async Task<IngestOutcome> RunAsync(NpgsqlConnection connection, IngestCommand c, CancellationToken cancellationToken)
    {
        var device = DeviceName(c.Device);

        long lastSeq;
        await using (var pass = new NpgsqlCommand(
            """
            INSERT INTO wcp_passes(tenant_id, pass_id, last_seq) VALUES(@t, @p, 0)
            ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = wcp_passes.last_seq
            RETURNING last_seq;
            """, connection))
        {
            pass.Add("t", c.TenantId).Add("p", c.PassId);
            lastSeq = (long)(await pass.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        long generation = 0;
        bool active = false;
        string? installEvent = null, uninstallEvent = null;
        await using (var current = new NpgsqlCommand(
            """
            SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM wcp_registrations
            WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di ORDER BY generation DESC LIMIT 1;
            """, connection))
        {
            current.Add("t", c.TenantId).Add("p", c.PassId).Add("d", device).Add("di", c.DeviceId);
            await using var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                generation = reader.GetInt64(0);
                active = reader.IsDBNull(1);
                installEvent = reader.GetString(2);
                uninstallEvent = reader.IsDBNull(3) ? null : reader.GetString(3);
            }
        }

        if (c.Installed == active)
        {
            // Not a state transition: acknowledge with the event that made the current state.
            var (a, t) = await CountAsync(connection, c, cancellationToken).ConfigureAwait(false);
            return new IngestOutcome(c.Installed ? installEvent : uninstallEvent, false, a, t);
        }

        await using (var registration = new NpgsqlCommand(c.Installed
            ? """
              INSERT INTO wcp_registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
              VALUES(@t, @p, @d, @di, @g, @at, @e);
              """
            : """
              UPDATE wcp_registrations SET unregistered_at = @at, uninstall_event_id = @e
              WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di AND generation = @g;
              """, connection))
        {
            registration.Add("t", c.TenantId).Add("p", c.PassId).Add("d", device).Add("di", c.DeviceId)
                .Add("g", c.Installed ? generation + 1 : generation).Add("at", ToMs(c.OccurredAt)).Add("e", c.NewEventId);
            await registration.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (activeCount, totalCount) = await CountAsync(connection, c, cancellationToken).ConfigureAwait(false);
        var seq = lastSeq + 1;

        await using (var insert = new NpgsqlCommand(
            """
            UPDATE wcp_passes SET last_seq = @seq WHERE tenant_id = @t AND pass_id = @p;
            INSERT INTO wcp_events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
                active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
            VALUES(@e, @t, @p, @seq, @pt, @d, @di, @i, @ids, @src, @ac, @tc, @oa, @ra, 'pending', @ra, @tp);
            """, connection))
        {
            insert.Add("e", c.NewEventId).Add("t", c.TenantId).Add("p", c.PassId).Add("seq", seq).Add("pt", c.PassType)
                .Add("d", device).Add("di", c.DeviceId).Add("i", c.Installed)
                .Add("ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options))
                .Add("src", c.Source is null ? null : JsonSerializer.Serialize(c.Source, StoreJson.Options))
                .Add("ac", activeCount).Add("tc", totalCount).Add("oa", ToMs(c.OccurredAt)).Add("ra", ToMs(c.ReceivedAt)).Add("tp", c.TraceParent);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new IngestOutcome(c.NewEventId, true, activeCount, totalCount);
    }

    private static async Task<(int Active, int Total)> CountAsync(NpgsqlConnection connection, IngestCommand c, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand(
            """
            SELECT COUNT(*) FILTER (WHERE unregistered_at IS NULL)::int, COUNT(*)::int
            FROM wcp_registrations WHERE tenant_id = @t AND pass_id = @p;
            """, connection);
        count.Add("t", c.TenantId).Add("p", c.PassId);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
