using System.Text.Json;
using Npgsql;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// Runs a statement under <c>EXPLAIN ANALYZE</c> and counts the rows PostgreSQL's executor handled (every plan node's rows
/// times its loops): a measure of a statement's work that no load on the machine can skew.
/// </summary>
internal static class PostgresExplain
{
    /// <summary>Runs <paramref name="statement"/> in <paramref name="transaction"/>; returns the rows it returned and the work.</summary>
    public static async Task<(long Rows, long Work)> RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string statement, Action<NpgsqlCommand> parameters)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, connection, transaction);
        parameters(command);
        using var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
        var root = plan.RootElement[0].GetProperty("Plan");
        return (root.GetProperty("Actual Rows").GetInt64(), Work(root));
    }

    private static long Work(JsonElement node) =>
        (node.GetProperty("Actual Rows").GetInt64() * node.GetProperty("Actual Loops").GetInt64())
        + (node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().Sum(Work) : 0);
}
