using System.Data.Common;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// A SQLite claim, run by the store's writer inside its <c>BEGIN IMMEDIATE</c> batch (so no other process can claim in
/// between), for the events' pass heads and for the emails alike (<see cref="SqliteQueue{T}"/> says which rows). Tenants
/// take turns: it visits the tenants that have claimable rows one index seek at a time, starting after the tenant the
/// previous claim ended on and wrapping around, takes from each up to the rest of its share of its earliest due rows
/// (read in index order, no sort), and leases rank by rank (every visited tenant's first row, then the second…) up to the
/// claim's size. Its cost follows the rows it hands out and the tenants it looks at — never the number of rows waiting
/// (ranking every ready pass cost ~0.6 ms at 200 ready passes and ~46 ms at 20,000).
/// </summary>
/// <typeparam name="T">What a leased row is read as.</typeparam>
internal sealed class SqliteClaim<T>(SqliteQueue<T> queue)
{
    private string _after = "";

    public async Task<IReadOnlyList<T>> RunAsync(SqliteStatements statements, ClaimRequest request)
    {
        var now = ToMs(request.Now);
        var ranked = new List<IReadOnlyList<string>>();
        var tenants = new List<string>();
        await foreach (var tenant in TenantsFromCursorAsync(statements))
        {
            var share = Math.Min(request.MaxEvents, request.MaxPerTenant - (request.Running?.GetValueOrDefault(tenant) ?? 0));
            if (share <= 0 || request.ExcludedTenants.Contains(tenant))
            {
                continue;
            }

            var due = await ReadAllAsync(statements.Command(queue.Due).Add("$t", tenant).Add("$now", now).Add("$n", share),
                r => r.GetString(0), CancellationToken.None).ConfigureAwait(false);
            if (due.Count > 0)
            {
                ranked.Add(due);
                tenants.Add(tenant);
                if (ranked.Count >= request.MaxEvents)
                {
                    break;
                }
            }
        }

        var claimed = new List<T>(request.MaxEvents);
        var until = ToMs(request.Now + request.LeaseDuration);
        for (var rank = 0; claimed.Count < request.MaxEvents; rank++)
        {
            var any = false;
            for (var t = 0; t < ranked.Count && claimed.Count < request.MaxEvents; t++)
            {
                if (rank >= ranked[t].Count)
                {
                    continue;
                }

                any = true;
                var leased = await ReadAllAsync(statements.Command(queue.Lease).Add("$owner", request.Owner).Add("$until", until).Add("$id", ranked[t][rank]),
                    queue.Read, CancellationToken.None).ConfigureAwait(false);
                foreach (var row in leased)
                {
                    if (queue.LeasedAsync is { } leasedAsync)
                    {
                        await leasedAsync(statements, row, until).ConfigureAwait(false);
                    }

                    claimed.Add(row);
                    if (rank == 0)
                    {
                        // The next claim starts after the last tenant served first here: tenants take turns across claims too.
                        _after = tenants[t];
                    }
                }
            }

            if (!any)
            {
                break;
            }
        }

        return claimed;
    }

    /// <summary>The tenants with claimable rows: those after the cursor in key order, then from the first up to the cursor.</summary>
    private async IAsyncEnumerable<string> TenantsFromCursorAsync(SqliteStatements statements)
    {
        var start = _after;
        var after = start;
        var wrapped = start.Length == 0;
        while (true)
        {
            var next = await statements.Command(queue.NextTenant).Add("$after", after).ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) as string;
            if (next is null || (wrapped && start.Length > 0 && string.CompareOrdinal(next, start) > 0))
            {
                if (wrapped)
                {
                    yield break;
                }

                wrapped = true;
                after = "";
                continue;
            }

            yield return next;
            after = next;
        }
    }
}
