namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The PostgreSQL schema, shaped like the SQLite one (times are Unix milliseconds, statuses lowercase words) so both stores
/// read into the same records. Created under an advisory lock so hosts starting together do not race.
/// </summary>
internal static class PostgresSchema
{
    public const int Version = 1;

    /// <summary>The advisory lock key that serialises schema creation across hosts ("wcp-sche").</summary>
    public const long SchemaLock = 0x7763702D73636865;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS wcp_schema_info(version integer NOT NULL);
        CREATE TABLE IF NOT EXISTS wcp_passes(
            tenant_id text NOT NULL,
            pass_id text NOT NULL,
            last_seq bigint NOT NULL,
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
        CREATE INDEX IF NOT EXISTS wcp_events_pending_due ON wcp_events(next_attempt_at) WHERE status = 'pending';
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
        INSERT INTO wcp_schema_info(version) SELECT @v WHERE NOT EXISTS (SELECT 1 FROM wcp_schema_info);
        """;

    /// <summary>The advisory lock key that serialises claims across hosts ("wcp-clai").</summary>
    public const long ClaimLock = 0x7763702D636C6169;

    /// <summary>
    /// Leases the head (lowest pending seq) of each due pass, ranked per tenant so tenants take turns. Run under
    /// <see cref="ClaimLock"/>, so each claim sees the leases of the one before it; the outer conditions are re-checked on
    /// the row's latest version, so a late write by an expired owner is never overwritten by a lease.
    /// </summary>
    public const string Claim = """
        UPDATE wcp_events SET lease_owner = @owner, lease_expires_at = @until
        WHERE event_id IN (
            SELECT event_id FROM (
                SELECT e.event_id, e.next_attempt_at,
                       ROW_NUMBER() OVER (PARTITION BY e.tenant_id ORDER BY e.next_attempt_at, e.received_at, e.seq) AS rn
                FROM wcp_events e
                WHERE e.status = 'pending'
                  AND e.next_attempt_at <= @now
                  AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= @now)
                  AND NOT (e.tenant_id = ANY(@excluded))
                  AND e.seq = (SELECT MIN(x.seq) FROM wcp_events x
                               WHERE x.tenant_id = e.tenant_id AND x.pass_id = e.pass_id AND x.status = 'pending')) ranked
            WHERE rn <= @perTenant
            ORDER BY rn, next_attempt_at
            LIMIT @max)
          AND status = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
        RETURNING *;
        """;

    public const string Complete = """
        UPDATE wcp_events SET status = @s, attempts = attempts + @inc, failures = failures + @finc,
            next_attempt_at = COALESCE(@next, next_attempt_at), last_error = COALESCE(@err, last_error),
            completed_at = @done, lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = @e AND lease_owner = @owner AND status = 'pending';
        """;

    public const string ReplayOne = """
        UPDATE wcp_events SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = true, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = @e AND status <> 'pending';
        """;

    public const string ReplayRange = """
        UPDATE wcp_events SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = true, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE status = @s AND received_at >= @from AND received_at < @to AND (@t::text IS NULL OR tenant_id = @t);
        """;

    public const string QueueStats = """
        SELECT tenant_id,
               COUNT(*) FILTER (WHERE status = 'pending'),
               COUNT(*) FILTER (WHERE status = 'dead'),
               MIN(received_at) FILTER (WHERE status = 'pending')
        FROM wcp_events WHERE status IN ('pending', 'dead') GROUP BY tenant_id ORDER BY tenant_id;
        """;

    public const string InsertLog = """
        INSERT INTO wcp_tenant_logs(tenant_id, at, kind, event_id, attempt, status, duration_ms, error, entries)
        VALUES(@t, @at, @k, @e, @a, @s, @d, @err, @entries);
        """;

    public const string PruneEvents = """
        DELETE FROM wcp_events WHERE event_id IN (
            SELECT event_id FROM wcp_events WHERE status IN ('delivered', 'skipped') AND completed_at < @before LIMIT @n)
        """;

    public const string PruneLogs = "DELETE FROM wcp_tenant_logs WHERE id IN (SELECT id FROM wcp_tenant_logs WHERE at < @before LIMIT @n)";
}
