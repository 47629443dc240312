using System.Globalization;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The wallet store's statements, written once for both stores: <c>{0}</c> is the table prefix (none on SQLite,
/// <c>wcp_</c> on PostgreSQL) and parameters are <c>@name</c>, which both drivers accept; a device's stored name is a literal
/// (<see cref="DeviceNames"/>).
/// </summary>
internal static class WalletSql
{
    public const string PassColumns = """
        tenant_id, pass_id, pass_type, identifiers, source, serial_number, pass_type_identifier, token_hash, google_class_id,
        google_object_id, pkpass, pkpass_modified_at, updated_at
        """;

    /// <summary>
    /// Counts the tenant's other passes holding the same Apple serial and pass type identifier or the same Google object id,
    /// and whether the pass exists already.
    /// </summary>
    public const string Check = """
        SELECT (SELECT COUNT(*) FROM {0}wallet_passes WHERE tenant_id = @t AND pass_id <> @p
                  AND ((serial_number = @sn AND pass_type_identifier = @pti) OR google_object_id = @goi)),
               (SELECT COUNT(*) FROM {0}wallet_passes WHERE tenant_id = @t AND pass_id = @p)
        """;

    /// <summary>
    /// Inserts or replaces a pass. Its update time (the Apple tag) moves only when it is new or its <c>.pkpass</c> bytes
    /// changed, and then always forward (at least one millisecond past the previous one). So does its <c>.pkpass</c>'s time
    /// (<c>Last-Modified</c>, whole seconds on the wire): new bytes at a time not past the previous one's second take the
    /// next second, or a device holding the previous bytes would be answered 304 and keep them.
    /// </summary>
    public const string Upsert = """
        INSERT INTO {0}wallet_passes AS w(tenant_id, pass_id, pass_type, identifiers, source, serial_number, pass_type_identifier, token_hash,
            google_class_id, google_object_id, pkpass, pkpass_modified_at, updated_at)
        VALUES(@t, @p, @pt, @ids, @src, @sn, @pti, @th, @gci, @goi, @pk, @pkm, @now)
        ON CONFLICT(tenant_id, pass_id) DO UPDATE SET pass_type = excluded.pass_type, identifiers = excluded.identifiers,
            source = excluded.source, serial_number = excluded.serial_number, pass_type_identifier = excluded.pass_type_identifier,
            token_hash = excluded.token_hash, google_class_id = excluded.google_class_id, google_object_id = excluded.google_object_id,
            pkpass = excluded.pkpass,
            pkpass_modified_at = CASE WHEN w.pkpass = excluded.pkpass THEN w.pkpass_modified_at
                                      WHEN w.pkpass_modified_at IS NULL OR excluded.pkpass_modified_at IS NULL
                                           OR excluded.pkpass_modified_at >= (w.pkpass_modified_at / 1000 + 1) * 1000 THEN excluded.pkpass_modified_at
                                      ELSE (w.pkpass_modified_at / 1000 + 1) * 1000 END,
            updated_at = CASE WHEN w.pkpass = excluded.pkpass OR (w.pkpass IS NULL AND excluded.pkpass IS NULL) THEN w.updated_at
                              WHEN excluded.updated_at > w.updated_at THEN excluded.updated_at ELSE w.updated_at + 1 END
        """;

    public const string Get = $"SELECT {PassColumns} FROM {{0}}wallet_passes WHERE tenant_id = @t AND pass_id = @p";

    public const string FindApple = $"SELECT {PassColumns} FROM {{0}}wallet_passes WHERE tenant_id = @t AND pass_type_identifier = @pti AND serial_number = @sn";

    public const string FindGoogle = $"SELECT {PassColumns} FROM {{0}}wallet_passes WHERE tenant_id = @t AND google_object_id = @goi";

    public const string Delete = "DELETE FROM {0}wallet_passes WHERE tenant_id = @t AND pass_id = @p";

    /// <summary>
    /// PostgreSQL's index for a device's Apple registrations (<see cref="UpdatedSerials"/>), created with schema version 9.
    /// It is partial on the device's name, a constant: the ingest's registration statements, which take the device as a
    /// parameter, cannot use it and take the primary key, whatever statistics a cached generic plan was made from. The
    /// index it replaces, on <c>(tenant_id, device, device_id)</c>, was PostgreSQL's choice for them when the tables were
    /// small, and then made each one read every registration of the tenant with the same device id: all of its Google
    /// passes (their device id is <c>google</c>), or all passes ingested without a device id (docs/benchmarks.md §5).
    /// </summary>
    public const string PostgresAppleDeviceIndex = $"""
        DROP INDEX IF EXISTS wcp_registrations_device;
        CREATE INDEX IF NOT EXISTS wcp_registrations_apple_device ON wcp_registrations(tenant_id, device_id) WHERE device = '{DeviceNames.Apple}';
        """;

    /// <summary>
    /// SQLite's index for a device's registrations, on the whole key (SQLite takes the primary key for the ingest's
    /// statements by itself). It is not partial: SQLite decides whether a statement may use a partial index from the
    /// values bound to it, so every statement naming the device as a parameter would be prepared again at each execution.
    /// </summary>
    public const string SqliteDeviceIndex = $"""
        DROP INDEX IF EXISTS registrations_apple_device;
        CREATE INDEX IF NOT EXISTS {SqliteDeviceIndexName} ON registrations(tenant_id, device, device_id);
        """;

    private const string SqliteDeviceIndexName = "registrations_device";

    /// <summary>
    /// The device's active Apple registrations of passes of one pass type identifier, changed after <c>@since</c>, read by
    /// the device index. <c>{1}</c> is where SQLite is told to use <see cref="SqliteDeviceIndex"/>: without statistics its
    /// planner reads every registration of the tenant by primary key instead. PostgreSQL's planner finds
    /// <see cref="PostgresAppleDeviceIndex"/> itself.
    /// </summary>
    internal const string UpdatedSerials = $$"""
        SELECT w.serial_number, w.updated_at FROM {0}registrations r {1}
        JOIN {0}wallet_passes w ON w.tenant_id = r.tenant_id AND w.pass_id = r.pass_id
        WHERE r.tenant_id = @t AND r.device = '{{DeviceNames.Apple}}' AND r.device_id = @di AND r.unregistered_at IS NULL
          AND w.pass_type_identifier = @pti AND w.updated_at > @since
        ORDER BY w.serial_number
        """;

    /// <summary>Gets <see cref="UpdatedSerials"/> for SQLite's file.</summary>
    public static string SqliteUpdatedSerials { get; } = string.Format(CultureInfo.InvariantCulture, UpdatedSerials, "", "INDEXED BY " + SqliteDeviceIndexName);

    /// <summary>Gets <see cref="UpdatedSerials"/> for a PostgreSQL database.</summary>
    public static string PostgresUpdatedSerials { get; } = string.Format(CultureInfo.InvariantCulture, UpdatedSerials, PrefixedSql.PostgresPrefix, "");

    /// <summary>A pass's registrations, each Apple one with its device's push token for the pass's type identifier.</summary>
    public const string Registrations = $$"""
        SELECT r.device, r.device_id, r.generation, r.registered_at, r.unregistered_at, r.install_event_id, r.uninstall_event_id, t.push_token
        FROM {0}registrations r
        LEFT JOIN {0}wallet_passes w ON w.tenant_id = r.tenant_id AND w.pass_id = r.pass_id
        LEFT JOIN {0}apple_push_tokens t ON r.device = '{{DeviceNames.Apple}}' AND t.tenant_id = r.tenant_id AND t.device_id = r.device_id
            AND t.pass_type_identifier = w.pass_type_identifier
        WHERE r.tenant_id = @t AND r.pass_id = @p ORDER BY r.registered_at, r.device, r.device_id, r.generation
        """;

    public const string InsertDeviceLog = "INSERT INTO {0}device_logs(tenant_id, at, message) VALUES(@t, @at, @m)";

    /// <summary>The tenant's device log messages older than its newest <c>@keep</c> (the index on tenant and id, read backwards).</summary>
    public const string TrimDeviceLogs = """
        DELETE FROM {0}device_logs WHERE tenant_id = @t
          AND id <= (SELECT id FROM {0}device_logs WHERE tenant_id = @t ORDER BY id DESC LIMIT 1 OFFSET CAST(@keep AS INTEGER))
        """;

    public const string DeviceLogs = "SELECT tenant_id, at, message FROM {0}device_logs WHERE tenant_id = @t ORDER BY id DESC LIMIT @limit";

    /// <summary>Device log messages older than <c>@before</c>, at most <c>@n</c> per statement (retention).</summary>
    public const string PruneDeviceLogs = "DELETE FROM {0}device_logs WHERE id IN (SELECT id FROM {0}device_logs WHERE at < @before LIMIT @n)";

    /// <summary>
    /// Nonces received before <c>@before</c>, at most <c>@n</c> per statement; the stores give the retention's cutoff less
    /// <see cref="Wallets.Google.GoogleWalletDefaults.CallbackLifetime"/> (<see cref="NoncesBefore"/>), the longest a callback
    /// is accepted for, so a nonce outlives every message that could carry it again.
    /// </summary>
    /// <summary>The cutoff of <see cref="PruneNonces"/> for the retention's <paramref name="before"/>.</summary>
    public static DateTimeOffset NoncesBefore(DateTimeOffset before) => before - Wallets.Google.GoogleWalletDefaults.CallbackLifetime;

    public const string PruneNonces = """
        DELETE FROM {0}wallet_nonces WHERE (tenant_id, nonce) IN (
            SELECT tenant_id, nonce FROM {0}wallet_nonces WHERE received_at < @before LIMIT @n)
        """;
}
