namespace WalletCrew.Plugins.Host.Store;

/// <summary>The SQLite schema. Times are Unix milliseconds; statuses are lowercase words.</summary>
internal static class SqliteSchema
{
    public const int Version = 10;

    public const string Create = $"""
        CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS passes(
            tenant_id TEXT NOT NULL,
            pass_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            head_seq INTEGER NULL,
            ready_at INTEGER NULL,
            active_count INTEGER NOT NULL DEFAULT 0,
            total_count INTEGER NOT NULL DEFAULT 0,
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
        CREATE TABLE IF NOT EXISTS wallet_passes(
            tenant_id TEXT NOT NULL,
            pass_id TEXT NOT NULL,
            pass_type TEXT NOT NULL,
            identifiers TEXT NOT NULL,
            source TEXT NULL,
            serial_number TEXT NULL,
            pass_type_identifier TEXT NULL,
            token_hash BLOB NULL,
            google_class_id TEXT NULL,
            google_object_id TEXT NULL,
            pkpass BLOB NULL,
            pkpass_modified_at INTEGER NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY(tenant_id, pass_id));
        CREATE UNIQUE INDEX IF NOT EXISTS wallet_passes_apple ON wallet_passes(tenant_id, pass_type_identifier, serial_number)
            WHERE serial_number IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS wallet_passes_google ON wallet_passes(tenant_id, google_object_id) WHERE google_object_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS apple_push_tokens(
            tenant_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            pass_type_identifier TEXT NOT NULL,
            push_token TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY(tenant_id, device_id, pass_type_identifier)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS wallet_nonces(
            tenant_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY(tenant_id, nonce)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS device_logs(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS device_logs_tenant ON device_logs(tenant_id, id);
        CREATE INDEX IF NOT EXISTS device_logs_at ON device_logs(at);
        CREATE INDEX IF NOT EXISTS wallet_nonces_received ON wallet_nonces(received_at);
        {TenantFileSql.SqliteTables}
        {EmailSql.SqliteTables}
        """;

    /// <summary>
    /// Version 2 keeps each pass's head (its lowest pending seq) and when that head is next claimable in <c>passes</c>, so a
    /// claim reads the ready passes instead of ranking every pending event. Run after <see cref="Create"/>; a version 1 file
    /// gets the columns here, and every start recomputes the heads (<see cref="SqliteStoreSql.RefreshAllHeads"/>).
    /// </summary>
    public const string HasHeads = "SELECT COUNT(*) FROM pragma_table_info('passes') WHERE name = 'ready_at';";

    public const string AddHeads = """
        ALTER TABLE passes ADD COLUMN head_seq INTEGER NULL;
        ALTER TABLE passes ADD COLUMN ready_at INTEGER NULL;
        DROP INDEX IF EXISTS events_pending_due;
        """;

    /// <summary>
    /// Version 10 keeps each pass's registration counts on its row (<c>passes.active_count</c>, <c>total_count</c>), written
    /// with every registration change, so an ingest reads them in one seek however many registrations the pass has gathered
    /// (counting them cost every ingest of a pass time in proportion to its history, on the one writer every tenant shares).
    /// An older file gets the columns here, filled from its registrations once.
    /// </summary>
    public const string HasCounts = "SELECT COUNT(*) FROM pragma_table_info('passes') WHERE name = 'total_count';";

    public const string AddCounts = """
        ALTER TABLE passes ADD COLUMN active_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE passes ADD COLUMN total_count INTEGER NOT NULL DEFAULT 0;
        UPDATE passes SET (active_count, total_count) = (
            SELECT COALESCE(SUM(unregistered_at IS NULL), 0), COUNT(*) FROM registrations r
            WHERE r.tenant_id = passes.tenant_id AND r.pass_id = passes.pass_id);
        """;

    /// <summary>Version 4 records which tenant version handled each invocation in the tenant log (<see cref="TenantFileSql"/> has its new tables).</summary>
    public const string HasTenantVersion = "SELECT COUNT(*) FROM pragma_table_info('tenant_logs') WHERE name = 'tenant_version';";

    public const string AddTenantVersion = "ALTER TABLE tenant_logs ADD COLUMN tenant_version INTEGER NULL;";

    /// <summary>Version 7 records the tenants folder a tenant version was made from (<see cref="TenantFolderOrigin"/>).</summary>
    public const string HasTenantOrigin = "SELECT COUNT(*) FROM pragma_table_info('tenant_versions') WHERE name = 'origin';";

    public const string AddTenantOrigin = "ALTER TABLE tenant_versions ADD COLUMN origin TEXT NULL;";

    /// <summary>
    /// Ends every start: records the version. Version 3 adds the pass registry, the Apple push tokens, the wallet nonces and
    /// the device logs, and version 5 the email queue (<see cref="EmailSql"/>): new tables that <see cref="Create"/> adds to an older file.
    /// Version 6 replaces the claim's index on <c>ready_at</c> alone by one on <c>(tenant_id, ready_at)</c> (<see cref="SqliteQueues.Events"/>),
    /// version 7 the tenant versions' <c>origin</c> column (<see cref="AddTenantOrigin"/>), and version 8 replaces the email
    /// claim's index on <c>next_attempt_at</c> by one on <c>(tenant_id, next_attempt_at, received_at)</c> (<see cref="SqliteQueues.Emails"/>),
    /// version 9 only records PostgreSQL's new registrations index (SQLite keeps <see cref="WalletSql.SqliteDeviceIndex"/>),
    /// and version 10 the passes' registration counts (<see cref="AddCounts"/>).
    /// </summary>
    public const string IndexHeads = $"""
        DROP INDEX IF EXISTS passes_ready;
        {SqliteQueues.PassHeadsIndex}
        UPDATE schema_info SET version = 10 WHERE version < 10;
        """;
}
