using System.Text.Json;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction's statements on PostgreSQL, in two round trips plus the commit. The first batch takes the pass's
/// row lock (an upsert), so two hosts ingesting for one pass queue up behind each other, and reads the registration; the
/// second writes the transition (read committed: each statement sees the ones before it and what the previous lock
/// holder committed).
/// </summary>
internal sealed class PostgresIngest(NpgsqlConnection connection, NpgsqlTransaction transaction) : IngestTransaction
{
    private const string CountsOfPass = """
        SELECT COUNT(*) FILTER (WHERE unregistered_at IS NULL)::int AS active, COUNT(*)::int AS total
        FROM wcp_registrations WHERE tenant_id = @t AND pass_id = @p
        """;

    private long _lastSeq;

    protected override async Task<CurrentRegistration?> LockPassAndReadRegistrationAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var batch = Batch(c,
            """
            INSERT INTO wcp_passes(tenant_id, pass_id, last_seq) VALUES(@t, @p, 0)
            ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = wcp_passes.last_seq
            RETURNING last_seq
            """,
            """
            SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM wcp_registrations
            WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di ORDER BY generation DESC LIMIT 1
            """);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _lastSeq = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CurrentRegistration(reader.GetInt64(0), reader.IsDBNull(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    protected override async Task<bool> ClaimNonceAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        // A second transaction with the same nonce waits here for the first to end, then finds it taken.
        await using var batch = Batch(c, "INSERT INTO wcp_wallet_nonces(tenant_id, nonce, received_at) VALUES(@t, @n, @ra) ON CONFLICT DO NOTHING");
        batch.BatchCommands[0].Parameters.AddWithValue("n", c.Nonce!);
        batch.BatchCommands[0].Parameters.AddWithValue("ra", ToMs(c.ReceivedAt));
        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    protected override async Task SavePushTokenAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var batch = Batch(c, """
            INSERT INTO wcp_apple_push_tokens(tenant_id, device_id, pass_type_identifier, push_token, updated_at) VALUES(@t, @di, @pti, @pt, @ra)
            ON CONFLICT(tenant_id, device_id, pass_type_identifier) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at
            """);
        batch.BatchCommands[0].Parameters.AddWithValue("pti", c.PushToken!.PassTypeIdentifier);
        batch.BatchCommands[0].Parameters.AddWithValue("pt", c.PushToken.Token);
        batch.BatchCommands[0].Parameters.AddWithValue("ra", ToMs(c.ReceivedAt));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<(int Active, int Total)> CountAsync(IngestCommand c, CancellationToken cancellationToken)
    {
        await using var batch = Batch(c, CountsOfPass);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    protected override async Task<(int Active, int Total)> WriteTransitionAsync(IngestCommand c, long generation, CancellationToken cancellationToken)
    {
        var registration = c.Installed
            ? """
              INSERT INTO wcp_registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
              VALUES(@t, @p, @d, @di, @g, @at, @e)
              """
            : """
              UPDATE wcp_registrations SET unregistered_at = @at, uninstall_event_id = @e
              WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di AND generation = @g
              """;

        // The pass's row is locked by this transaction since the first batch: its last_seq is still the one read there.
        await using var batch = Batch(c,
            registration,
            // A pass with nothing pending gets the new event as its head, ready at once; otherwise its head stays.
            """
            UPDATE wcp_passes SET last_seq = @seq, head_seq = COALESCE(head_seq, @seq),
                ready_at = CASE WHEN head_seq IS NULL THEN @ra ELSE ready_at END
            WHERE tenant_id = @t AND pass_id = @p
            """,
            $"""
            WITH counts AS ({CountsOfPass})
            INSERT INTO wcp_events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
                active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
            SELECT @e, @t, @p, @seq, @pt, @d, @di, @i, @ids, @src, counts.active, counts.total, @oa, @ra, 'pending', @ra, @tp FROM counts
            RETURNING active_count, total_count
            """);
        foreach (NpgsqlBatchCommand statement in batch.BatchCommands)
        {
            statement.Parameters.AddWithValue("g", generation);
            statement.Parameters.AddWithValue("seq", _lastSeq + 1);
            statement.Parameters.AddWithValue("pt", c.PassType);
            statement.Parameters.AddWithValue("i", c.Installed);
            statement.Parameters.AddWithValue("ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options));
            statement.Parameters.AddWithValue("src", c.Source is null ? DBNull.Value : JsonSerializer.Serialize(c.Source, StoreJson.Options));
            statement.Parameters.AddWithValue("at", ToMs(c.OccurredAt));
            statement.Parameters.AddWithValue("oa", ToMs(c.OccurredAt));
            statement.Parameters.AddWithValue("ra", ToMs(c.ReceivedAt));
            statement.Parameters.AddWithValue("tp", (object?)c.TraceParent ?? DBNull.Value);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (reader.GetInt32(0), reader.GetInt32(1));
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        throw new InvalidOperationException("The event insert returned no row.");
    }

    /// <summary>A batch in this transaction whose statements all carry the command's identifying parameters.</summary>
    private NpgsqlBatch Batch(IngestCommand c, params string[] statements)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in statements)
        {
            var statement = new NpgsqlBatchCommand(sql);
            statement.Parameters.AddWithValue("t", c.TenantId);
            statement.Parameters.AddWithValue("p", c.PassId);
            statement.Parameters.AddWithValue("d", DeviceName(c.Device));
            statement.Parameters.AddWithValue("di", c.DeviceId);
            statement.Parameters.AddWithValue("e", c.NewEventId);
            batch.BatchCommands.Add(statement);
        }

        return batch;
    }
}
