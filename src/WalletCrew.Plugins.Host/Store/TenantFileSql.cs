using System.Data.Common;
using System.Text.Json;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The tenant file store's tables (schema version 4; version 7 adds <c>origin</c>) and statements, written once for both stores where they agree:
/// <c>{0}</c> is the table prefix (none on SQLite, <c>wcp_</c> on PostgreSQL), parameters are <c>@name</c>.
/// </summary>
internal static class TenantFileSql
{
    /// <summary>The PostgreSQL channel a stored version is announced on, with the payload <c>tenantId:version</c>.</summary>
    public const string Channel = "wcp_tenant_files";

    public const string SqliteTables = """
        CREATE TABLE IF NOT EXISTS tenant_blobs(
            hash TEXT NOT NULL PRIMARY KEY,
            content BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tenant_versions(
            tenant_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            key_id TEXT NOT NULL,
            message TEXT NULL,
            set_hash TEXT NOT NULL,
            files TEXT NOT NULL,
            restored_from INTEGER NULL,
            origin TEXT NULL,
            PRIMARY KEY(tenant_id, version)) WITHOUT ROWID;
        """;

    public const string PostgresTables = """
        CREATE TABLE IF NOT EXISTS wcp_tenant_blobs(
            hash text PRIMARY KEY,
            content bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS wcp_tenant_versions(
            tenant_id text NOT NULL,
            version bigint NOT NULL,
            created_at bigint NOT NULL,
            key_id text NOT NULL,
            message text NULL,
            set_hash text NOT NULL,
            files text NOT NULL,
            restored_from bigint NULL,
            origin text NULL,
            PRIMARY KEY(tenant_id, version));
        """;

    public const string Current = "SELECT * FROM {0}tenant_versions WHERE tenant_id = @t ORDER BY version DESC LIMIT 1";

    public const string One = "SELECT * FROM {0}tenant_versions WHERE tenant_id = @t AND version = @v";

    public const string List = "SELECT * FROM {0}tenant_versions WHERE tenant_id = @t ORDER BY version DESC";

    public const string Heads = "SELECT tenant_id, MAX(version) FROM {0}tenant_versions GROUP BY tenant_id ORDER BY tenant_id";

    public const string Blob = "SELECT content FROM {0}tenant_blobs WHERE hash = @h";

    public const string InsertBlob = "INSERT INTO {0}tenant_blobs(hash, content) VALUES(@h, @c) ON CONFLICT(hash) DO NOTHING";

    /// <summary>Appends the version only when it is the tenant's newest plus one (the primary key refuses a race).</summary>
    public const string InsertVersion = """
        INSERT INTO {0}tenant_versions(tenant_id, version, created_at, key_id, message, set_hash, files, restored_from, origin)
        SELECT @t, @v, @at, @k, @m, @sh, @f, @r, @o
        WHERE COALESCE((SELECT MAX(version) FROM {0}tenant_versions WHERE tenant_id = @t), 0) = @v - 1
        ON CONFLICT DO NOTHING
        """;

    public static IEnumerable<(string Name, object? Value)> VersionParameters(TenantVersion v) =>
    [
        ("t", v.TenantId), ("v", v.Version), ("at", StoreRows.ToMs(v.CreatedAt)), ("k", v.KeyId), ("m", v.Message), ("sh", v.SetHash),
        ("f", JsonSerializer.Serialize(v.Files, StoreJson.Options)), ("r", v.RestoredFrom), ("o", v.Origin?.ToString()),
    ];

    public static TenantVersion ReadVersion(DbDataReader r) => new(
        TenantId: r.GetString(r.GetOrdinal("tenant_id")),
        Version: r.GetInt64(r.GetOrdinal("version")),
        CreatedAt: StoreRows.FromMs(r.GetInt64(r.GetOrdinal("created_at"))),
        KeyId: r.GetString(r.GetOrdinal("key_id")),
        Message: StoreRows.OptionalText(r, "message"),
        SetHash: r.GetString(r.GetOrdinal("set_hash")),
        Files: JsonSerializer.Deserialize<List<TenantFileEntry>>(r.GetString(r.GetOrdinal("files")), StoreJson.Options) ?? [],
        RestoredFrom: r.IsDBNull(r.GetOrdinal("restored_from")) ? null : r.GetInt64(r.GetOrdinal("restored_from")),
        Origin: TenantFolderOrigin.Parse(StoreRows.OptionalText(r, "origin")));

    public static TenantHead ReadHead(DbDataReader r) => new(r.GetString(0), r.GetInt64(1));
}
