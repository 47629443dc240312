namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The PostgreSQL schema, shaped like the SQLite one (times are Unix milliseconds, statuses lowercase words) so both stores
/// read into the same records. Created under an advisory lock so hosts starting together do not race.
/// </summary>
/// <remarks>
/// Every write that changes a pending event's status, due time or lease first locks the row of its pass in
/// <c>wcp_passes</c> and, in the same transaction, keeps that row's head (<c>head_seq</c>, the lowest pending seq) and
/// <c>ready_at</c> (when the head may next be claimed) up to date. A claim locks the ready passes it takes with
/// <c>FOR UPDATE SKIP LOCKED</c>, so claims from several hosts take disjoint passes side by side instead of queueing.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The schema's version: raise it with every DDL change, since a host that finds the database at this version runs no DDL.</summary>
    public const int Version = 10;

    /// <summary>The advisory lock key that serialises schema creation across hosts ("wcp-sche").</summary>
    public const long SchemaLock = 0x7763702D73636865;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS wcp_schema_info(version integer NOT NULL);
        CREATE TABLE IF NOT EXISTS wcp_passes(
            tenant_id text NOT NULL,
            pass_id text NOT NULL,
            last_seq bigint NOT NULL,
            head_seq bigint NULL,
            ready_at bigint NULL,
            active_count integer NOT NULL DEFAULT 0,
            total_count integer NOT NULL DEFAULT 0,
            PRIMARY KEY(tenant_id, pass_id));
        CREATE TABLE IF NOT EXISTS wcp_registrations(
            tenant_id text NOT NULL,
            pass_id text NOT NULL,
            device text NOT NULL,
            device_id text NOT NULL,
            generation bigint NOT NULL,
            registered_at bigint NOT NULL,
            unregistered_at bigint NULL,
            install_event_id text NOT NULL,
            uninstall_event_id text NULL,
            PRIMARY KEY(tenant_id, pass_id, device, device_id, generation));
        CREATE TABLE IF NOT EXISTS wcp_events(
            event_id text NOT NULL PRIMARY KEY,
            tenant_id text NOT NULL,
            pass_id text NOT NULL,
            seq bigint NOT NULL,
            pass_type text NOT NULL,
            device text NOT NULL,
            device_id text NOT NULL,
            installed boolean NOT NULL,
            identifiers text NOT NULL,
            source text NULL,
            active_count integer NOT NULL,
            total_count integer NOT NULL,
            occurred_at bigint NOT NULL,
            received_at bigint NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            failures integer NOT NULL DEFAULT 0,
            next_attempt_at bigint NOT NULL,
            lease_owner text NULL,
            lease_expires_at bigint NULL,
            last_error text NULL,
            completed_at bigint NULL,
            is_replay boolean NOT NULL DEFAULT false,
            trace_parent text NULL,
            UNIQUE(tenant_id, pass_id, seq));
        CREATE INDEX IF NOT EXISTS wcp_events_pending_pass ON wcp_events(tenant_id, pass_id, seq) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS wcp_events_status_received ON wcp_events(status, received_at);
        CREATE INDEX IF NOT EXISTS wcp_events_tenant_received ON wcp_events(tenant_id, received_at);
        CREATE TABLE IF NOT EXISTS wcp_tenant_logs(
            id bigserial PRIMARY KEY,
            tenant_id text NOT NULL,
            at bigint NOT NULL,
            kind text NOT NULL,
            event_id text NULL,
            attempt integer NULL,
            status text NOT NULL,
            duration_ms bigint NOT NULL,
            error text NULL,
            entries text NOT NULL);
        CREATE INDEX IF NOT EXISTS wcp_tenant_logs_tenant ON wcp_tenant_logs(tenant_id, id);
        CREATE INDEX IF NOT EXISTS wcp_events_completed ON wcp_events(completed_at) WHERE status IN ('delivered', 'skipped');
        CREATE INDEX IF NOT EXISTS wcp_tenant_logs_at ON wcp_tenant_logs(at);
        CREATE TABLE IF NOT EXISTS wcp_wallet_passes(
            tenant_id text NOT NULL,
            pass_id text NOT NULL,
            pass_type text NOT NULL,
            identifiers text NOT NULL,
            source text NULL,
            serial_number text NULL,
            pass_type_identifier text NULL,
            token_hash bytea NULL,
            google_class_id text NULL,
            google_object_id text NULL,
            pkpass bytea NULL,
            pkpass_modified_at bigint NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY(tenant_id, pass_id));
        CREATE UNIQUE INDEX IF NOT EXISTS wcp_wallet_passes_apple ON wcp_wallet_passes(tenant_id, pass_type_identifier, serial_number)
            WHERE serial_number IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS wcp_wallet_passes_google ON wcp_wallet_passes(tenant_id, google_object_id) WHERE google_object_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS wcp_apple_push_tokens(
            tenant_id text NOT NULL,
            device_id text NOT NULL,
            pass_type_identifier text NOT NULL,
            push_token text NOT NULL,
            updated_at bigint NOT NULL,
            PRIMARY KEY(tenant_id, device_id, pass_type_identifier));
        CREATE TABLE IF NOT EXISTS wcp_wallet_nonces(
            tenant_id text NOT NULL,
            nonce text NOT NULL,
            received_at bigint NOT NULL,
            PRIMARY KEY(tenant_id, nonce));
        CREATE TABLE IF NOT EXISTS wcp_device_logs(
            id bigserial PRIMARY KEY,
            tenant_id text NOT NULL,
            at bigint NOT NULL,
            message text NOT NULL);
        CREATE INDEX IF NOT EXISTS wcp_device_logs_tenant ON wcp_device_logs(tenant_id, id);
        CREATE INDEX IF NOT EXISTS wcp_device_logs_at ON wcp_device_logs(at);
        CREATE INDEX IF NOT EXISTS wcp_wallet_nonces_received ON wcp_wallet_nonces(received_at);
        INSERT INTO wcp_schema_info(version) SELECT @v WHERE NOT EXISTS (SELECT 1 FROM wcp_schema_info);
        """;

    /// <summary>
    /// Version 2 adds the pass heads. Run after <see cref="Create"/> in the same transaction: a version 1 database gets the
    /// columns and has every head computed once here (this locks every pass row until the start commits); a database
    /// already at version 2 only checks that the columns and index exist. Hosts of version 1 do not keep the heads, so
    /// they must all be stopped before the first host of version 2 starts. Version 3 adds only new tables (the pass registry,
    /// Apple push tokens, wallet nonces, device logs), which <see cref="Create"/> adds to an older database; hosts of version 2
    /// may keep running beside it, though they do not serve the wallet routes. Version 4 adds the tenant file tables and the
    /// tenant log's <c>tenant_version</c> column; hosts of version 3 may keep running beside it (they write no version).
    /// Version 5 adds the email queue (<see cref="EmailSql"/>), a new table; hosts of version 4 may keep running beside it
    /// (they neither accept nor deliver emails). Version 6 replaces the claim's index on <c>ready_at</c> by one on
    /// <c>(tenant_id, ready_at)</c> (<see cref="Claim"/>); hosts of version 5 may keep running beside it (their claim reads
    /// the ready passes without an index, slower but correct). Version 7 adds the tenant versions' <c>origin</c> column (the
    /// tenants folder a version was made from); hosts of version 6 may keep running beside it (they store versions without
    /// an origin). Version 8 replaces the email claim's index on <c>next_attempt_at</c> by one on
    /// <c>(tenant_id, next_attempt_at, received_at)</c> (<see cref="EmailSql.PostgresClaim"/>); hosts of version 7 may keep
    /// running beside it (their email claims rank the pending emails without an index, slower but correct). Version 9
    /// replaces the registrations' index on <c>(tenant_id, device, device_id)</c> by <see cref="WalletSql.PostgresAppleDeviceIndex"/>;
    /// hosts of version 8 may keep running beside it (their Apple device listing names the device as a parameter, so it
    /// reads the tenant's registrations without that index, slower but correct). Version 10 keeps each pass's registration
    /// counts on its row (<c>active_count</c>, <c>total_count</c>), written with every registration change so an ingest reads
    /// them in one row however long the pass's history, and fills them once here from the registrations. Hosts of version 9
    /// count the registrations and do not keep those columns, so they must all be stopped before the first host of version
    /// 10 starts (as for version 2).
    /// </summary>
    public const string Upgrade = $"""
        ALTER TABLE wcp_passes ADD COLUMN IF NOT EXISTS head_seq bigint NULL;
        ALTER TABLE wcp_passes ADD COLUMN IF NOT EXISTS ready_at bigint NULL;
        DROP INDEX IF EXISTS wcp_passes_ready;
        CREATE INDEX IF NOT EXISTS wcp_passes_tenant_ready ON wcp_passes(tenant_id, ready_at) WHERE ready_at IS NOT NULL;
        DROP INDEX IF EXISTS wcp_events_pending_due;
        {SetHeads}
        WHERE EXISTS (SELECT 1 FROM wcp_schema_info WHERE version < 2);
        ALTER TABLE wcp_tenant_logs ADD COLUMN IF NOT EXISTS tenant_version bigint NULL;
        {TenantFileSql.PostgresTables}
        ALTER TABLE wcp_tenant_versions ADD COLUMN IF NOT EXISTS origin text NULL;
        {EmailSql.PostgresTables}
        {WalletSql.PostgresAppleDeviceIndex}
        ALTER TABLE wcp_passes ADD COLUMN IF NOT EXISTS active_count integer NOT NULL DEFAULT 0;
        ALTER TABLE wcp_passes ADD COLUMN IF NOT EXISTS total_count integer NOT NULL DEFAULT 0;
        UPDATE wcp_passes p SET active_count = c.active, total_count = c.total
        FROM (SELECT tenant_id, pass_id, COUNT(*) FILTER (WHERE unregistered_at IS NULL)::int AS active, COUNT(*)::int AS total
              FROM wcp_registrations GROUP BY tenant_id, pass_id) c
        WHERE p.tenant_id = c.tenant_id AND p.pass_id = c.pass_id AND EXISTS (SELECT 1 FROM wcp_schema_info WHERE version < 10);
        UPDATE wcp_schema_info SET version = 10 WHERE version < 10;
        """;

    /// <summary>
    /// Leases pass heads, tenants taking turns, in one statement that locks only what it hands out and whose cost follows
    /// the tenants it visits and the events it hands out, never the number of ready passes. <c>tenants</c> walks the tenants
    /// that have a pending head, one index seek each, starting after <c>@after</c> (the tenant where the claiming host's
    /// previous claim ended) and wrapping around, so tenants take turns across claims. For each tenant in that order,
    /// <c>locked</c> locks its earliest-ready heads from <c>wcp_passes_tenant_ready</c>, at most the rest of its share
    /// (<c>@perTenant</c> less what it runs on the claiming worker, <c>@running</c>), with <c>SKIP LOCKED</c>: a pass another
    /// host is claiming (or any writer holds) is passed over, never waited for, and does not use up the share, so hosts
    /// claiming together take different heads. The walk is lazy and stops at <c>@max</c> locked heads, so no head is locked
    /// that this claim does not lease. Each lock re-checks the row's latest <c>ready_at</c> and the lease re-checks the
    /// event, so a late write by an expired owner is never overwritten; the leased passes' <c>ready_at</c> becomes the
    /// lease's end. The rows come in the walk's order, so the last one's tenant is the next <c>@after</c>.
    /// </summary>
    public static readonly string Claim = $"""
        WITH RECURSIVE {PostgresTenantWalk.Over("wcp_passes", "ready_at IS NOT NULL")}
        locked AS (
            SELECT h.tenant_id, h.pass_id, h.head_seq
            FROM tenants t
            CROSS JOIN LATERAL (
                SELECT p.tenant_id, p.pass_id, p.head_seq FROM wcp_passes p
                WHERE p.tenant_id = t.tenant_id AND p.ready_at <= @now
                ORDER BY p.ready_at
                LIMIT GREATEST(0, LEAST(@max, @perTenant - COALESCE((@running::jsonb ->> t.tenant_id)::int, 0)))
                FOR UPDATE OF p SKIP LOCKED) h
            WHERE NOT (t.tenant_id = ANY(@excluded))
            LIMIT @max),
        leased AS (
            UPDATE wcp_events e SET lease_owner = @owner, lease_expires_at = @until
            FROM locked c
            WHERE e.tenant_id = c.tenant_id AND e.pass_id = c.pass_id AND e.seq = c.head_seq
              AND e.status = 'pending' AND e.next_attempt_at <= @now AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= @now)
            RETURNING e.*),
        moved AS (
            UPDATE wcp_passes p SET ready_at = @until FROM leased l WHERE p.tenant_id = l.tenant_id AND p.pass_id = l.pass_id)
        SELECT {StoreRows.EventColumns} FROM leased ORDER BY tenant_id <= @after, tenant_id;
        """;

    /// <summary>
    /// Locks the passes of the events <c>@ids</c> in key order (so two writers of several passes cannot deadlock, and claims
    /// skip them), the first statement of every write that changes those events; <see cref="RefreshHeads"/> ends it.
    /// </summary>
    public const string LockPasses = """
        SELECT 1 FROM wcp_passes p
        WHERE (p.tenant_id, p.pass_id) IN (SELECT tenant_id, pass_id FROM wcp_events WHERE event_id = ANY(@ids))
        ORDER BY p.tenant_id, p.pass_id
        FOR UPDATE OF p
        """;

    /// <summary>
    /// Sets the head and <c>ready_at</c> of the passes of the events <c>@ids</c> from their pending events (both null when none
    /// is pending). Its own statement after the write, under the locks of <see cref="LockPasses"/>: read committed gives it
    /// a snapshot that sees the write and everything the previous lock holders committed.
    /// </summary>
    public const string RefreshHeads = $"""
        {SetHeads}
        WHERE (p.tenant_id, p.pass_id) IN (SELECT tenant_id, pass_id FROM wcp_events WHERE event_id = ANY(@ids))
        """;

    /// <summary>Up to <c>@n</c> events of a replay range (<see cref="Store.ReplayRange.Batch"/>), read without locks: <see cref="ReplayRange"/> checks each again under its pass's lock.</summary>
    public const string ReplayRangeBatch = """
        SELECT event_id FROM wcp_events
        WHERE status = @s AND received_at >= @from AND received_at < @to AND (@t::text IS NULL OR tenant_id = @t) AND (@p::text IS NULL OR pass_id = @p)
        LIMIT @n
        """;

    /// <summary>Sets the heads of the passes <c>(@ts[i], @ps[i])</c>, as <see cref="RefreshHeads"/> does.</summary>
    public const string RefreshPassHeads = $"""
        {SetHeads}
        WHERE (p.tenant_id, p.pass_id) IN (SELECT * FROM unnest(@ts::text[], @ps::text[]))
        """;

    /// <summary>Sets each selected pass's head to its first pending event and <c>ready_at</c> to when that event may be claimed
    /// (both null when none is pending); the statements that use it say which passes.</summary>
    // A pass's head: its lowest pending event, claimable when due and not before every lease on the pass's pending events
    // has ended (a replayed older event becomes the head while a later one still runs, and must wait for it).
    private const string SetHeads = """
        UPDATE wcp_passes p SET (head_seq, ready_at) = (
            SELECT e.seq, GREATEST(e.next_attempt_at, (SELECT COALESCE(MAX(l.lease_expires_at), 0) FROM wcp_events l
                                                       WHERE l.tenant_id = p.tenant_id AND l.pass_id = p.pass_id AND l.status = 'pending'))
            FROM wcp_events e
            WHERE e.tenant_id = p.tenant_id AND e.pass_id = p.pass_id AND e.status = 'pending' ORDER BY e.seq LIMIT 1)
        """;

    /// <summary>
    /// Records how leased attempts ended (<see cref="StoreRows.OutcomeParameters"/>), one outcome per element of the arrays,
    /// one statement whatever the batch's size: each event still pending and leased by
    /// the outcome's owner takes its status. Returns the ids of the events it completed; an event named twice takes its first
    /// outcome only.
    /// </summary>
    public const string CompleteAll = """
        UPDATE wcp_events ev SET status = c.s, attempts = ev.attempts + c.inc, failures = ev.failures + c.finc,
            next_attempt_at = COALESCE(c.next, ev.next_attempt_at), last_error = COALESCE(c.err, ev.last_error),
            completed_at = c.done, lease_owner = NULL, lease_expires_at = NULL
        FROM (SELECT DISTINCT ON (id) * FROM unnest(@e::text[], @owner::text[], @s::text[], @inc::int[], @finc::int[], @next::bigint[], @err::text[], @done::bigint[])
              WITH ORDINALITY AS u(id, owner, s, inc, finc, next, err, done, n) ORDER BY id, n) c
        WHERE ev.event_id = c.id AND ev.lease_owner = c.owner AND ev.status = 'pending'
        RETURNING ev.event_id
        """;

    public const string ReplayOne = """
        UPDATE wcp_events SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = true, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = @e AND status <> 'pending';
        """;

    /// <summary>Replays the events <c>@ids</c> of a batch (<see cref="ReplayRangeBatch"/>) that are still in the range's status.</summary>
    public const string ReplayRange = """
        UPDATE wcp_events SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = true, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = ANY(@ids) AND status = @s;
        """;

    public const string QueueStats = """
        SELECT tenant_id,
               COUNT(*) FILTER (WHERE status = 'pending'),
               COUNT(*) FILTER (WHERE status = 'dead'),
               MIN(received_at) FILTER (WHERE status = 'pending')
        FROM wcp_events WHERE status IN ('pending', 'dead') GROUP BY tenant_id ORDER BY tenant_id;
        """;

    /// <summary>Appends tenant log entries, one per element of the arrays, in their order (<c>PostgresEventStore.AddLogs</c>).</summary>
    public const string InsertLogs = """
        INSERT INTO wcp_tenant_logs(tenant_id, at, kind, event_id, attempt, status, duration_ms, error, entries, tenant_version)
        SELECT t, at, k, e, a, s, d, err, entries, tv
        FROM unnest(@t::text[], @at::bigint[], @k::text[], @e::text[], @a::int[], @s::text[], @d::bigint[], @err::text[], @entries::text[], @tv::bigint[])
            WITH ORDINALITY AS u(t, at, k, e, a, s, d, err, entries, tv, n)
        ORDER BY n
        """;

    // The outer condition repeats the inner one: under read committed PostgreSQL re-checks only the outer condition
    // against a row changed meanwhile, so an event replayed between the choice and the delete would be deleted pending.
    public const string PruneEvents = """
        DELETE FROM wcp_events WHERE event_id IN (
            SELECT event_id FROM wcp_events WHERE status IN ('delivered', 'skipped') AND completed_at < @before LIMIT @n)
          AND status IN ('delivered', 'skipped') AND completed_at < @before
        """;

    public const string PruneLogs = "DELETE FROM wcp_tenant_logs WHERE id IN (SELECT id FROM wcp_tenant_logs WHERE at < @before LIMIT @n)";
}
