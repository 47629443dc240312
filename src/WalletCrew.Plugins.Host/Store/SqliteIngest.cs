using System.Text.Json;
using Microsoft.Data.Sqlite;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction's statements: read the device's registration, apply the transition, count the pass's
/// registrations, take the pass's next sequence number and insert the event. The caller owns the transaction and
/// commits only when <see cref="IngestOutcome.Created"/> is true.
/// </summary>
internal static class SqliteIngest
{
    public static async Task<IngestOutcome> RunAsync(SqliteConnection connection, IngestCommand c, CancellationToken cancellationToken)
    {
        var device = DeviceName(c.Device);

        await using var current = connection.CreateCommand();
        current.CommandText = """
            SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM registrations
            WHERE tenant_id = $t AND pass_id = $p AND device = $d AND device_id = $di ORDER BY generation DESC LIMIT 1;
            """;
        current.Add("$t", c.TenantId).Add("$p", c.PassId).Add("$d", device).Add("$di", c.DeviceId);
        long generation = 0;
        bool active = false;
        string? installEvent = null, uninstallEvent = null;
        await using (var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
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

        await using (var registration = connection.CreateCommand())
        {
            registration.CommandText = c.Installed
                ? """
                  INSERT INTO registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
                  VALUES($t, $p, $d, $di, $g, $at, $e);
                  """
                : """
                  UPDATE registrations SET unregistered_at = $at, uninstall_event_id = $e
                  WHERE tenant_id = $t AND pass_id = $p AND device = $d AND device_id = $di AND generation = $g;
                  """;
            registration.Add("$t", c.TenantId).Add("$p", c.PassId).Add("$d", device).Add("$di", c.DeviceId)
                .Add("$g", c.Installed ? generation + 1 : generation).Add("$at", ToMs(c.OccurredAt)).Add("$e", c.NewEventId);
            await registration.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (activeCount, totalCount) = await CountAsync(connection, c, cancellationToken).ConfigureAwait(false);

        long seq;
        await using (var sequence = connection.CreateCommand())
        {
            sequence.CommandText = """
                INSERT INTO passes(tenant_id, pass_id, last_seq) VALUES($t, $p, 1)
                ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = last_seq + 1
                RETURNING last_seq;
                """;
            sequence.Add("$t", c.TenantId).Add("$p", c.PassId);
            seq = (long)(await sequence.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
                    active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
                VALUES($e, $t, $p, $seq, $pt, $d, $di, $i, $ids, $src, $ac, $tc, $oa, $ra, 'pending', $ra, $tp);
                """;
            insert.Add("$e", c.NewEventId).Add("$t", c.TenantId).Add("$p", c.PassId).Add("$seq", seq).Add("$pt", c.PassType)
                .Add("$d", device).Add("$di", c.DeviceId).Add("$i", c.Installed ? 1 : 0)
                .Add("$ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options))
                .Add("$src", c.Source is null ? null : JsonSerializer.Serialize(c.Source, StoreJson.Options))
                .Add("$ac", activeCount).Add("$tc", totalCount).Add("$oa", ToMs(c.OccurredAt)).Add("$ra", ToMs(c.ReceivedAt)).Add("$tp", c.TraceParent);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new IngestOutcome(c.NewEventId, true, activeCount, totalCount);
    }

    private static async Task<(int Active, int Total)> CountAsync(SqliteConnection connection, IngestCommand c, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = """
            SELECT COALESCE(SUM(CASE WHEN unregistered_at IS NULL THEN 1 ELSE 0 END), 0), COUNT(*)
            FROM registrations WHERE tenant_id = $t AND pass_id = $p;
            """;
        count.Add("$t", c.TenantId).Add("$p", c.PassId);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
