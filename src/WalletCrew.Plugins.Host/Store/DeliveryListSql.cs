using System.Data.Common;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The deliveries listing as SQL both stores run (SQLite accepts <c>@</c> parameters too). Only the filters present are
/// written, so each query can use the index that serves it: <c>(tenant_id, received_at)</c>, <c>(status, received_at)</c>
/// or <c>(received_at)</c> (<see cref="ConsoleIndexes"/>), read backwards from the cursor.
/// </summary>
internal static class DeliveryListSql
{
    /// <summary>Fills <paramref name="command"/> with the page of <paramref name="query"/> from <paramref name="table"/>.</summary>
    public static void List(DbCommand command, string table, DeliveryQuery query)
    {
        var where = Where(command, query, query.Statuses);
        if (query.After is { } after)
        {
            where.Add("(received_at < @after_at OR (received_at = @after_at AND event_id < @after_id))");
            command.AddValue("after_at", after.ReceivedAtMs);
            command.AddValue("after_id", after.EventId);
        }

        command.AddValue("limit", (long)query.Limit);
        command.CommandText = $"SELECT {EventColumns} FROM {table}{Join(where)} ORDER BY received_at DESC, event_id DESC LIMIT @limit";
    }

    /// <summary>Fills <paramref name="command"/> with a count of the events of <paramref name="query"/> a replay would take: every status but pending.</summary>
    public static void CountReplayable(DbCommand command, string table, DeliveryQuery query)
    {
        var replayable = Replayable(query.Statuses).ToList();
        var where = Where(command, query, replayable);
        if (replayable.Count == 0)
        {
            where.Add("1 = 0");
        }

        command.CommandText = $"SELECT COUNT(*) FROM {table}{Join(where)}";
    }

    /// <summary>The statuses of a filter that a replay takes (pending events are already on their way).</summary>
    public static IEnumerable<DeliveryStatus> Replayable(IReadOnlyCollection<DeliveryStatus>? statuses) =>
        (statuses is { Count: > 0 } ? statuses : Enum.GetValues<DeliveryStatus>()).Where(s => s != DeliveryStatus.Pending).Distinct().Order();

    private static List<string> Where(DbCommand command, DeliveryQuery query, IReadOnlyCollection<DeliveryStatus>? statuses)
    {
        var where = new List<string>();
        if (query.TenantId is not null)
        {
            // Pending events (a queue) and dead letters (waiting for a replay) stay few while delivered ones grow without
            // bound: for those statuses alone, read the (status, received_at) index and filter the tenant, which the
            // written-out form keeps the planner from answering through (tenant_id, received_at) instead.
            where.Add(statuses is { Count: > 0 } && statuses.All(s => s is DeliveryStatus.Pending or DeliveryStatus.Dead) ? "tenant_id || '' = @t" : "tenant_id = @t");
            command.AddValue("t", query.TenantId);
        }

        if (statuses is { Count: > 0 })
        {
            // Enum names, never user text: safe to write inline, and an IN list of constants can use the status index.
            where.Add($"status IN ({string.Join(", ", statuses.Distinct().Select(s => $"'{s.ToName()}'"))})");
        }

        if (query.PassId is not null)
        {
            where.Add("pass_id = @p");
            command.AddValue("p", query.PassId);
        }

        if (query.ReceivedFrom is { } from)
        {
            where.Add("received_at >= @from");
            command.AddValue("from", ToMs(from));
        }

        if (query.ReceivedBefore is { } before)
        {
            where.Add("received_at < @before");
            command.AddValue("before", ToMs(before));
        }

        return where;
    }

    private static string Join(List<string> where) => where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
}
