namespace WalletCrew.Plugins.Host.Store;

/// <summary>The SQLite schema. Times are Unix milliseconds; statuses are lowercase words.</summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS passes(
            tenant_id TEXT NOT NULL,
            pass_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            PRIMARY KEY(tenant_id, pass_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS registrations(
            tenant_id TEXT NOT NULL,
            pass_id TEXT NOT NULL,
            device TEXT NOT NULL,
            device_id TEXT NOT NULL,
            generation INTEGER NOT NULL,
            registered_at INTEGER NOT NULL,
            unregistered_at INTEGER NULL,
            install_event_id TEXT NOT NULL,
            uninstall_event_id TEXT NULL,
            PRIMARY KEY(tenant_id, pass_id, device, device_id, generation)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events(
            event_id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            pass_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            pass_type TEXT NOT NULL,
            device TEXT NOT NULL,
            device_id TEXT NOT NULL,
            installed INTEGER NOT NULL,
            identifiers TEXT NOT NULL,
            source TEXT NULL,
            active_count INTEGER NOT NULL,
            total_count INTEGER NOT NULL,
            occurred_at INTEGER NOT NULL,
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
            trace_parent TEXT NULL,
            UNIQUE(tenant_id, pass_id, seq));
        CREATE INDEX IF NOT EXISTS events_pending_pass ON events(tenant_id, pass_id, seq) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS events_pending_due ON events(next_attempt_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS events_status_received ON events(status, received_at);
        CREATE INDEX IF NOT EXISTS events_tenant_received ON events(tenant_id, received_at);
        CREATE TABLE IF NOT EXISTS tenant_logs(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            event_id TEXT NULL,
            attempt INTEGER NULL,
            status TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            error TEXT NULL,
            entries TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS tenant_logs_tenant ON tenant_logs(tenant_id, id);
        CREATE INDEX IF NOT EXISTS events_completed ON events(completed_at) WHERE status IN ('delivered', 'skipped');
        CREATE INDEX IF NOT EXISTS tenant_logs_at ON tenant_logs(at);
        """;

    /// <summary>Leases the head (lowest pending seq) of each due pass, ranked per tenant so tenants take turns.</summary>
    public const string Claim = """
        UPDATE events SET lease_owner = $owner, lease_expires_at = $until
        WHERE event_id IN (
            SELECT event_id FROM (
                SELECT e.event_id, e.next_attempt_at,
                       ROW_NUMBER() OVER (PARTITION BY e.tenant_id ORDER BY e.next_attempt_at, e.received_at, e.seq) AS rn
                FROM events e
                WHERE e.status = 'pending'
                  AND e.next_attempt_at <= $now
                  AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= $now)
                  AND e.tenant_id NOT IN (SELECT value FROM json_each($excluded))
                  AND e.seq = (SELECT MIN(x.seq) FROM events x
                               WHERE x.tenant_id = e.tenant_id AND x.pass_id = e.pass_id AND x.status = 'pending'))
            WHERE rn <= $perTenant
            ORDER BY rn, next_attempt_at
            LIMIT $max)
        RETURNING *;
        """;
}
