using System.Data;
using System.Text.Json;
using Npgsql;
using WalletCrew.Plugins.Engine;
using static WalletCrew.Plugins.Host.Store.StoreRows;
using CurrentRegistration = WalletCrew.Plugins.Host.Store.IngestTransaction.CurrentRegistration;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The ingest transaction on PostgreSQL, for a batch of commands at once (group commit, <see cref="PostgresGroupCommit{TRequest, TResult}"/>):
/// two round trips and one commit for the whole batch. The first round trip locks every pass of the batch in key order (one
/// upsert, the order <see cref="PostgresSchema.LockPasses"/> uses, so batches of several hosts never wait on each other in a
/// cycle), reads the passes' sequence numbers and each device's registration, and claims each nonce;
/// <see cref="IngestTransaction"/> decides each command; the second round trip writes the transitions and reads the others' counts.
/// Read committed: each statement sees the ones before it and what the previous lock holders committed. Commands of one pass
/// run in arrival order, one per round.
/// </summary>
internal static class PostgresIngest
{
    /// <summary>The pass's registration counts, kept on its row by every registration change (<see cref="AdvancePass"/>).</summary>
    internal const string CountsOfPass = """
        SELECT active_count AS active, total_count AS total FROM wcp_passes WHERE tenant_id = @t AND pass_id = @p
        """;

    // Creates the passes not seen before and locks all of them, in key order. An existing pass is locked, not updated
    // (DO UPDATE … WHERE false locks the row without writing a new version of it, so a pass's row is not bloated by its ingests).
    private const string LockPasses = """
        INSERT INTO wcp_passes(tenant_id, pass_id, last_seq)
        SELECT t, p, 0 FROM unnest(@ts::text[], @ps::text[]) AS k(t, p) ORDER BY t, p
        ON CONFLICT(tenant_id, pass_id) DO UPDATE SET last_seq = wcp_passes.last_seq WHERE false
        RETURNING 1
        """;

    // The locked passes' last sequence numbers and registration counts (a new snapshot: it sees what the previous lock
    // holders committed).
    private const string ReadPasses = """
        SELECT tenant_id, pass_id, last_seq, active_count, total_count FROM wcp_passes
        WHERE (tenant_id, pass_id) IN (SELECT * FROM unnest(@ts::text[], @ps::text[]))
        """;

    internal const string ReadRegistration = """
        SELECT generation, unregistered_at, install_event_id, uninstall_event_id FROM wcp_registrations
        WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di ORDER BY generation DESC LIMIT 1
        """;

    // A second transaction with the same nonce waits here for the first to end, then finds it taken.
    private const string ClaimNonce = "INSERT INTO wcp_wallet_nonces(tenant_id, nonce, received_at) VALUES(@t, @n, @ra) ON CONFLICT DO NOTHING RETURNING 1";

    private const string SavePushToken = """
        INSERT INTO wcp_apple_push_tokens(tenant_id, device_id, pass_type_identifier, push_token, updated_at) VALUES(@t, @di, @pti, @pt, @ra)
        ON CONFLICT(tenant_id, device_id, pass_type_identifier) DO UPDATE SET push_token = excluded.push_token, updated_at = excluded.updated_at
        """;

    private const string InsertRegistration = """
        INSERT INTO wcp_registrations(tenant_id, pass_id, device, device_id, generation, registered_at, install_event_id)
        VALUES(@t, @p, @d, @di, @g, @at, @e)
        """;

    internal const string CloseRegistration = """
        UPDATE wcp_registrations SET unregistered_at = @at, uninstall_event_id = @e
        WHERE tenant_id = @t AND pass_id = @p AND device = @d AND device_id = @di AND generation = @g
        """;

    // A pass with nothing pending gets the new event as its head, ready at once; otherwise its head stays. The counts take
    // the registration change (IngestCommand.CountChange).
    private const string AdvancePass = """
        UPDATE wcp_passes SET last_seq = @seq, head_seq = COALESCE(head_seq, @seq),
            ready_at = CASE WHEN head_seq IS NULL THEN @ra ELSE ready_at END,
            active_count = active_count + @da, total_count = total_count + @dt
        WHERE tenant_id = @t AND pass_id = @p
        """;

    private const string InsertEvent = $"""
        WITH counts AS ({CountsOfPass})
        INSERT INTO wcp_events(event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source,
            active_count, total_count, occurred_at, received_at, status, next_attempt_at, trace_parent)
        SELECT @e, @t, @p, @seq, @pt, @d, @di, @i, @ids, @src, counts.active, counts.total, @oa, @ra, 'pending', @ra, @tp FROM counts
        RETURNING active_count, total_count
        """;

    /// <summary>Runs <paramref name="commands"/> in one transaction on <paramref name="connection"/> and commits; one outcome per command, in order.</summary>
    public static async Task<IngestOutcome[]> RunAsync(NpgsqlConnection connection, IReadOnlyList<IngestCommand> commands)
    {
        var outcomes = new IngestOutcome[commands.Count];
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted).ConfigureAwait(false);
        foreach (var round in Rounds(commands))
        {
            var batch = round.Select(i => commands[i]).ToList();
            var reads = await LockAndReadAsync(connection, tx, batch).ConfigureAwait(false);
            var written = await WriteAsync(connection, tx, batch, reads).ConfigureAwait(false);
            for (var k = 0; k < round.Count; k++)
            {
                outcomes[round[k]] = written[k];
            }
        }

        await tx.CommitAsync().ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The commands' indexes in rounds: each round holds at most one command per pass, the passes' commands in arrival order.</summary>
    private static List<List<int>> Rounds(IReadOnlyList<IngestCommand> commands)
    {
        var rounds = new List<List<int>>();
        var seen = new Dictionary<(string, string), int>();
        for (var i = 0; i < commands.Count; i++)
        {
            var key = (commands[i].TenantId, commands[i].PassId);
            var round = seen.GetValueOrDefault(key);
            seen[key] = round + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add(i);
        }

        return rounds;
    }

    /// <summary>The first round trip: locks the round's passes, reads each device's registration and claims each nonce.</summary>
    private static async Task<Read[]> LockAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<IngestCommand> round)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        (string, object?)[] passes = [("ts", round.Select(c => c.TenantId).ToArray()), ("ps", round.Select(c => c.PassId).ToArray())];
        batch.BatchCommands.Add(Statement(LockPasses, passes));
        batch.BatchCommands.Add(Statement(ReadPasses, passes));
        foreach (var c in round)
        {
            batch.BatchCommands.Add(Statement(ReadRegistration, Key(c)));
            if (c.Nonce is not null)
            {
                batch.BatchCommands.Add(Statement(ClaimNonce, ("t", c.TenantId), ("n", c.Nonce), ("ra", ToMs(c.ReceivedAt))));
            }
        }

        // Every statement of this batch returns a result set, so they are read one after the other.
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.NextResultAsync().ConfigureAwait(false);
        var locked = new Dictionary<(string, string), (long LastSeq, int Active, int Total)>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            locked[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4));
        }

        var reads = new Read[round.Count];
        for (var k = 0; k < round.Count; k++)
        {
            var c = round[k];
            await reader.NextResultAsync().ConfigureAwait(false);
            var current = await reader.ReadAsync().ConfigureAwait(false)
                ? new CurrentRegistration(reader.GetInt64(0), reader.IsDBNull(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3))
                : null;
            var repeatedNonce = false;
            if (c.Nonce is not null)
            {
                await reader.NextResultAsync().ConfigureAwait(false);
                repeatedNonce = !await reader.ReadAsync().ConfigureAwait(false);
            }

            var pass = locked[(c.TenantId, c.PassId)];
            reads[k] = new Read(pass.LastSeq, pass.Active, pass.Total, current, repeatedNonce);
        }

        return reads;
    }

    /// <summary>The second round trip: writes each transition (or reads the pass's registration counts when there is none).</summary>
    private static async Task<IngestOutcome[]> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<IngestCommand> round, Read[] reads)
    {
        var outcomes = new IngestOutcome[round.Count];
        var generations = new long?[round.Count];
        await using var batch = new NpgsqlBatch(connection, tx);
        for (var k = 0; k < round.Count; k++)
        {
            var (c, read) = (round[k], reads[k]);
            if (read.RepeatedNonce)
            {
                // A nonce seen before: nothing of this command is written.
                outcomes[k] = new IngestOutcome(null, false, 0, 0, RepeatedNonce: true);
                continue;
            }

            generations[k] = IngestTransaction.TransitionGeneration(c, read.Current);
            if (IngestTransaction.Exceeds(c, generations[k], read.Active))
            {
                outcomes[k] = IngestTransaction.TooMany(read.Active, read.Total);
                continue;
            }

            if (c.PushToken is not null)
            {
                batch.BatchCommands.Add(Statement(SavePushToken, ("t", c.TenantId), ("di", c.DeviceId), ("pti", c.PushToken.PassTypeIdentifier),
                    ("pt", c.PushToken.Token), ("ra", ToMs(c.ReceivedAt))));
            }

            if (generations[k] is not { } generation)
            {
                batch.BatchCommands.Add(Statement(CountsOfPass, ("t", c.TenantId), ("p", c.PassId)));
                continue;
            }

            var seq = read.LastSeq + 1;
            batch.BatchCommands.Add(Statement(c.Installed ? InsertRegistration : CloseRegistration, [.. Key(c), ("g", generation), ("at", ToMs(c.OccurredAt)), ("e", c.NewEventId)]));
            batch.BatchCommands.Add(Statement(AdvancePass, ("t", c.TenantId), ("p", c.PassId), ("seq", seq), ("ra", ToMs(c.ReceivedAt)),
                ("da", c.CountChange.Active), ("dt", c.CountChange.Total)));
            batch.BatchCommands.Add(Statement(InsertEvent, [.. Key(c), ("e", c.NewEventId), ("seq", seq), ("pt", c.PassType), ("i", c.Installed),
                ("ids", JsonSerializer.Serialize(c.Identifiers, StoreJson.Options)),
                ("src", c.Source is null ? null : JsonSerializer.Serialize(c.Source, StoreJson.Options)),
                ("oa", ToMs(c.OccurredAt)), ("ra", ToMs(c.ReceivedAt)), ("tp", c.TraceParent)]));
        }

        if (batch.BatchCommands.Count == 0)
        {
            return outcomes;
        }

        // Each command not decided above has one statement returning its counts; the others return nothing.
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        var first = true;
        for (var k = 0; k < round.Count; k++)
        {
            if (outcomes[k] is not null)
            {
                continue; // decided without a statement: a repeated nonce, an install past the bound
            }

            await NextRowsAsync(reader, first).ConfigureAwait(false);
            first = false;
            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The ingest's counts returned no row.");
            }

            var (c, active, total) = (round[k], reader.GetInt32(0), reader.GetInt32(1));
            outcomes[k] = generations[k] is null
                ? IngestTransaction.Repeat(c, reads[k].Current, active, total)
                : new IngestOutcome(c.NewEventId, true, active, total);
        }

        return outcomes;
    }

    // Moves to the next statement that returns rows, passing over those that return none.
    private static async Task NextRowsAsync(NpgsqlDataReader reader, bool first)
    {
        if (!first && !await reader.NextResultAsync().ConfigureAwait(false))
        {
            throw new InvalidOperationException("The ingest batch returned fewer results than it has commands.");
        }

        while (reader.FieldCount == 0)
        {
            if (!await reader.NextResultAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The ingest batch returned fewer results than it has commands.");
            }
        }
    }

    private static (string, object?)[] Key(IngestCommand c) => [("t", c.TenantId), ("p", c.PassId), ("d", DeviceNames.ToWire(c.Device)), ("di", c.DeviceId)];

    private static NpgsqlBatchCommand Statement(string sql, params (string Name, object? Value)[] parameters) => PostgresEventStore.Statement(sql, parameters);

    /// <summary>What the first round trip found for one command.</summary>
    private readonly record struct Read(long LastSeq, int Active, int Total, CurrentRegistration? Current, bool RepeatedNonce);
}
