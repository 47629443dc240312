namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The email queue's tables (schema version 5) and statements, written once for both stores where they agree: <c>{0}</c> is
/// the table prefix (none on SQLite, <c>wcp_</c> on PostgreSQL), parameters are <c>@name</c>. Columns follow the events'
/// (times in Unix milliseconds, statuses lowercase words); data and cultures are JSON text.
/// </summary>
internal static class EmailSql
{
    public const string SqliteTables = """
        CREATE TABLE IF NOT EXISTS emails(
            email_id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            email_template TEXT NOT NULL,
            data TEXT NOT NULL,
            cultures TEXT NOT NULL,
            idempotency_key TEXT NULL,
            received_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT NULL,
            lease_expires_at INTEGER NULL,
            last_error TEXT NULL,
            completed_at INTEGER NULL,
            is_replay INTEGER NOT NULL DEFAULT 0,
            trace_parent TEXT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS emails_idempotency ON emails(tenant_id, idempotency_key);
        DROP INDEX IF EXISTS emails_pending_due;
        CREATE INDEX IF NOT EXISTS emails_tenant_pending ON emails(tenant_id, next_attempt_at, received_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS emails_tenant_received ON emails(tenant_id, received_at);
        CREATE INDEX IF NOT EXISTS emails_completed ON emails(completed_at) WHERE status = 'delivered';
        """;

    public const string PostgresTables = """
        CREATE TABLE IF NOT EXISTS wcp_emails(
            email_id text NOT NULL PRIMARY KEY,
            tenant_id text NOT NULL,
            recipient text NOT NULL,
            email_template text NOT NULL,
            data text NOT NULL,
            cultures text NOT NULL,
            idempotency_key text NULL,
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
            trace_parent text NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS wcp_emails_idempotency ON wcp_emails(tenant_id, idempotency_key);
        DROP INDEX IF EXISTS wcp_emails_pending_due;
        CREATE INDEX IF NOT EXISTS wcp_emails_tenant_pending ON wcp_emails(tenant_id, next_attempt_at, received_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS wcp_emails_tenant_received ON wcp_emails(tenant_id, received_at);
        CREATE INDEX IF NOT EXISTS wcp_emails_completed ON wcp_emails(completed_at) WHERE status = 'delivered';
        """;

    /// <summary>Inserts a pending email due now; returns its id, or no row when the tenant already has one with this idempotency key (NULL keys never collide).</summary>
    public const string Insert = """
        INSERT INTO {0}emails(email_id, tenant_id, recipient, email_template, data, cultures, idempotency_key, received_at, status, next_attempt_at, trace_parent)
        VALUES(@id, @t, @r, @tpl, @data, @cultures, @key, @now, 'pending', @now, @tp)
        ON CONFLICT(tenant_id, idempotency_key) DO NOTHING
        RETURNING email_id
        """;

    public const string FindByKey = "SELECT email_id FROM {0}emails WHERE tenant_id = @t AND idempotency_key = @key";

    public const string Get = "SELECT * FROM {0}emails WHERE email_id = @e";

    public const string List = """
        SELECT * FROM {0}emails WHERE (CAST(@t AS text) IS NULL OR tenant_id = @t) AND (CAST(@s AS text) IS NULL OR status = @s)
        ORDER BY received_at DESC, email_id DESC LIMIT @n
        """;

    public const string Complete = """
        UPDATE {0}emails SET status = @s, attempts = attempts + @inc, failures = failures + @finc,
            next_attempt_at = COALESCE(@next, next_attempt_at), last_error = COALESCE(@err, last_error),
            completed_at = @done, lease_owner = NULL, lease_expires_at = NULL
        WHERE email_id = @e AND lease_owner = @owner AND status = 'pending'
        """;

    public const string ReplayOne = """
        UPDATE {0}emails SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = @yes, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE email_id = @e AND status <> 'pending'
        """;

    /// <summary>Replays up to <c>@n</c> dead emails (<see cref="ReplayRange.Batch"/>); the store runs it until fewer come back.</summary>
    // Here and in Prune the outer condition repeats the inner one: under read committed PostgreSQL re-checks only the
    // outer condition against a row changed meanwhile (an email replayed by id, or leased, between the choice and the write).
    public const string ReplayDead = """
        UPDATE {0}emails SET status = 'pending', failures = 0, next_attempt_at = @now, is_replay = @yes, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE email_id IN (SELECT email_id FROM {0}emails WHERE status = 'dead' AND (CAST(@t AS text) IS NULL OR tenant_id = @t) LIMIT @n)
          AND status = 'dead'
        """;

    public const string Prune = """
        DELETE FROM {0}emails WHERE email_id IN (
            SELECT email_id FROM {0}emails WHERE status = 'delivered' AND completed_at < @before LIMIT @n)
          AND status = 'delivered' AND completed_at < @before
        """;

    /// <summary>
    /// PostgreSQL: leases due emails, tenants taking turns, in one statement that locks only what it hands out and whose cost
    /// follows the tenants it visits and what it hands out, not the backlog: <c>tenants</c> walks the tenants with a pending
    /// email one index seek each, starting after <c>@after</c> (where the claiming host's previous email claim ended) and
    /// wrapping around; for each, <c>locked</c> locks its earliest due emails from <c>wcp_emails_tenant_pending</c>, at most
    /// the rest of its share, with <c>SKIP LOCKED</c> (a row another host is claiming is passed over, never waited for, and
    /// does not use up the share; each lock re-checks the row's latest version). The walk is lazy and stops at <c>@max</c>.
    /// The rows come in the walk's order, so the last one's tenant is the next <c>@after</c>.
    /// </summary>
    public static readonly string PostgresClaim = $"""
        WITH RECURSIVE {PostgresTenantWalk.Over("wcp_emails", "status = 'pending'")}
        locked AS (
            SELECT d.email_id, d.tenant_id
            FROM tenants t
            CROSS JOIN LATERAL (
                SELECT e.email_id, e.tenant_id FROM wcp_emails e
                WHERE e.tenant_id = t.tenant_id AND e.status = 'pending' AND e.next_attempt_at <= @now
                  AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= @now)
                ORDER BY e.next_attempt_at, e.received_at
                LIMIT GREATEST(0, LEAST(@max, @perTenant - COALESCE((@running::jsonb ->> t.tenant_id)::int, 0)))
                FOR UPDATE OF e SKIP LOCKED) d
            WHERE NOT (t.tenant_id = ANY(@excluded))
            LIMIT @max),
        leased AS (
            UPDATE wcp_emails e SET lease_owner = @owner, lease_expires_at = @until
            FROM locked l WHERE e.email_id = l.email_id
            RETURNING e.*)
        SELECT * FROM leased ORDER BY tenant_id <= @after, tenant_id
        """;

    public const string SqliteRenew = """
        UPDATE emails SET lease_expires_at = @until
        WHERE lease_owner = @owner AND status = 'pending' AND email_id IN (SELECT value FROM json_each(@ids))
        RETURNING email_id
        """;

    public const string PostgresRenew = """
        UPDATE wcp_emails SET lease_expires_at = @until
        WHERE lease_owner = @owner AND status = 'pending' AND email_id = ANY(@ids)
        RETURNING email_id
        """;

    public const string SqliteRelease = """
        UPDATE emails SET lease_owner = NULL, lease_expires_at = NULL
        WHERE lease_owner = @owner AND email_id IN (SELECT value FROM json_each(@ids))
        """;

    public const string PostgresRelease = "UPDATE wcp_emails SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @owner AND email_id = ANY(@ids)";

    /// <summary>The lease owners holding pending emails (SQLite's start gives back those whose process is gone).</summary>
    public const string SqliteLeaseOwners = "SELECT DISTINCT lease_owner FROM emails WHERE status = 'pending' AND lease_owner IS NOT NULL";

    public const string SqliteReleaseOwners = """
        UPDATE emails SET lease_owner = NULL, lease_expires_at = NULL
        WHERE status = 'pending' AND lease_owner IN (SELECT value FROM json_each($owners))
        """;
}
