using System.Data.Common;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>
/// Reads a store behind a killed host, on SQLite (tables <c>events</c>, <c>tenant_logs</c>) or PostgreSQL (<c>wcp_</c>
/// prefix): which passes were left waiting, who held their leases, and when each pass ran again.
/// </summary>
internal static class StalledPasses
{
    /// <summary>Returns each pending event's pass (<c>tenant/pass</c>) and how many leases hold past <paramref name="past"/>.</summary>
    public static (Dictionary<string, string> Stalled, long LeasesHeldPast) Read(DbConnection connection, string prefix, DateTimeOffset past)
    {
        var stalled = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var pending = Command(connection, $"SELECT event_id, tenant_id || '/' || pass_id FROM {prefix}events WHERE status = 'pending';"))
        using (var reader = pending.ExecuteReader())
        {
            while (reader.Read())
            {
                stalled[reader.GetString(0)] = reader.GetString(1);
            }
        }

        using var leases = Command(connection,
            $"SELECT COUNT(*) FROM {prefix}events WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_expires_at > @past;", ("past", past));
        return (stalled, Convert.ToInt64(leases.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Returns the lease owner of one event, or null.</summary>
    public static string? LeaseOwner(DbConnection connection, string prefix, string tenantId, string passId)
    {
        using var command = Command(connection, $"SELECT lease_owner FROM {prefix}events WHERE tenant_id = @t AND pass_id = @p;", ("t", tenantId), ("p", passId));
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Per stalled pass, when the first attempt that ended after <paramref name="after"/> started (the tenant log has each
    /// attempt's end and duration). An attempt a surviving host had started before the kill counts, with a start before
    /// <paramref name="after"/>: its pass was pending at the kill, and it did not wait for the dead host's leases.
    /// </summary>
    private static Dictionary<string, DateTimeOffset> FirstAttempts(DbConnection connection, string prefix, Dictionary<string, string> stalled, DateTimeOffset after)
    {
        var first = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using var attempts = Command(connection,
            $"SELECT event_id, at - duration_ms FROM {prefix}tenant_logs WHERE kind = 'delivery' AND at >= @after;", ("after", after));
        using var reader = attempts.ExecuteReader();
        while (reader.Read())
        {
            if (stalled.TryGetValue(reader.GetString(0), out var pass))
            {
                var started = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
                first[pass] = first.TryGetValue(pass, out var earlier) && earlier < started ? earlier : started;
            }
        }

        return first;
    }

    /// <summary>
    /// Waits until every stalled pass has an attempt in the tenant log (or <paramref name="timeout"/> passes) and returns
    /// <see cref="FirstAttempts"/>: a host records an attempt when it ends, after the partner has seen its request.
    /// </summary>
    public static async Task<Dictionary<string, DateTimeOffset>> WaitForFirstAttemptsAsync(
        DbConnection connection, string prefix, Dictionary<string, string> stalled, DateTimeOffset after, TimeSpan timeout)
    {
        var passes = stalled.Values.Distinct(StringComparer.Ordinal).Count();
        var deadline = DateTimeOffset.UtcNow + timeout;
        var first = FirstAttempts(connection, prefix, stalled, after);
        while (first.Count < passes && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
            first = FirstAttempts(connection, prefix, stalled, after);
        }

        return first;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value is DateTimeOffset at ? at.ToUnixTimeMilliseconds() : value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
