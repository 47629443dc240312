using System.Data.Common;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Keeps <c>passes.head_seq</c> and <c>passes.ready_at</c> in step with the events, in the same transaction as every write
/// that changes a pending event's status, due time or lease, so a claim can trust them.
/// </summary>
internal static class SqliteHeads
{
    /// <summary>Runs <paramref name="command"/>, whose rows end with <c>tenant_id, pass_id</c>, and refreshes those passes' heads.</summary>
    public static async Task<IReadOnlyList<T>> WriteAsync<T>(SqliteStatements statements, DbCommand command, Func<DbDataReader, T> map)
    {
        var passes = new HashSet<(string, string)>();
        var rows = await ReadAllAsync(command, r =>
        {
            passes.Add((r.GetString(r.FieldCount - 2), r.GetString(r.FieldCount - 1)));
            return map(r);
        }, CancellationToken.None).ConfigureAwait(false);
        await RefreshAsync(statements, passes).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Recomputes the heads of <paramref name="passes"/>.</summary>
    public static async Task RefreshAsync(SqliteStatements statements, IEnumerable<(string TenantId, string PassId)> passes)
    {
        foreach (var (tenantId, passId) in passes)
        {
            await statements.Command(SqliteStoreSql.RefreshHead).Add("$t", tenantId).Add("$p", passId)
                .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
