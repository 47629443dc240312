namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The tenant walk of the PostgreSQL claims (events and emails): the tenants that have rows matching a condition, one index
/// seek each, starting after <c>@after</c> (where the claiming host's previous claim ended) and wrapping around, so tenants
/// take turns across claims. It is lazy: a claim that stops at its size reads no further tenant. The order relies on
/// <c>UNION ALL</c> returning its branches in order, which PostgreSQL's Append does.
/// </summary>
internal static class PostgresTenantWalk
{
    /// <summary>The <c>later</c>, <c>earlier</c> and <c>tenants</c> common table expressions, for after <c>WITH RECURSIVE</c>,
    /// ending with a comma; <paramref name="table"/> needs an index leading with <c>tenant_id</c> under <paramref name="condition"/>.</summary>
    public static string Over(string table, string condition) => $"""
        later(tenant_id) AS (
            (SELECT tenant_id FROM {table} WHERE {condition} AND tenant_id > @after ORDER BY tenant_id LIMIT 1)
            UNION ALL
            SELECT (SELECT w.tenant_id FROM {table} w WHERE w.{condition} AND w.tenant_id > t.tenant_id ORDER BY w.tenant_id LIMIT 1)
            FROM later t WHERE t.tenant_id IS NOT NULL),
        earlier(tenant_id) AS (
            (SELECT tenant_id FROM {table} WHERE {condition} ORDER BY tenant_id LIMIT 1)
            UNION ALL
            SELECT (SELECT w.tenant_id FROM {table} w WHERE w.{condition} AND w.tenant_id > t.tenant_id ORDER BY w.tenant_id LIMIT 1)
            FROM earlier t WHERE t.tenant_id IS NOT NULL AND t.tenant_id <= @after),
        tenants AS (
            SELECT tenant_id FROM later WHERE tenant_id IS NOT NULL
            UNION ALL
            SELECT tenant_id FROM earlier WHERE tenant_id IS NOT NULL AND tenant_id <= @after),
        """;
}
