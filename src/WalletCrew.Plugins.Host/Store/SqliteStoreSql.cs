namespace WalletCrew.Plugins.Host.Store;

/// <summary>The SQLite store's longer statements.</summary>
internal static class SqliteStoreSql
{
    public const string ReplayOne = """
        UPDATE events SET status = 'pending', failures = 0, next_attempt_at = $now, is_replay = 1, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = $e AND status <> 'pending'
        RETURNING tenant_id, pass_id;
        """;

    /// <summary>Replays up to <c>$n</c> events of a range (<see cref="Store.ReplayRange.Batch"/>); a replayed event leaves the range's status, so the next batch takes others.</summary>
    public const string ReplayRange = $"""
        UPDATE events SET status = 'pending', failures = 0, next_attempt_at = $now, is_replay = 1, completed_at = NULL,
            lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id IN (
            SELECT event_id FROM events
            WHERE status = $s AND received_at >= $from AND received_at < $to AND ($t IS NULL OR tenant_id = $t) AND ($p IS NULL OR pass_id = $p)
            {SqliteStatements.LimitN})
        RETURNING tenant_id, pass_id;
        """;

    /// <summary>
    /// A pass's head: its lowest pending event, and when that is claimable: when it is due, and not before every lease on the
    /// pass's pending events has ended (a replayed older event becomes the head while a later one still runs, and must wait
    /// for it, or the two would run at once). Both null when nothing is pending.
    /// </summary>
    private const string Head = """
        SELECT seq, MAX(next_attempt_at, (SELECT COALESCE(MAX(lease_expires_at), 0) FROM events l
                                           WHERE l.tenant_id = passes.tenant_id AND l.pass_id = passes.pass_id AND l.status = 'pending'))
        FROM events
        WHERE tenant_id = passes.tenant_id AND pass_id = passes.pass_id AND status = 'pending' ORDER BY seq LIMIT 1
        """;

    /// <summary>Sets a pass's head (<see cref="Head"/>).</summary>
    public const string RefreshHead = $"""
        UPDATE passes SET (head_seq, ready_at) = ({Head})
        WHERE tenant_id = $t AND pass_id = $p;
        """;

    public const string RefreshAllHeads = $"""
        UPDATE passes SET (head_seq, ready_at) = ({Head});
        """;

    public const string Complete = """
        UPDATE events SET status = $s, attempts = attempts + $inc, failures = failures + $finc,
            next_attempt_at = COALESCE($next, next_attempt_at), last_error = COALESCE($err, last_error),
            completed_at = $done, lease_owner = NULL, lease_expires_at = NULL
        WHERE event_id = $e AND lease_owner = $owner AND status = 'pending'
        RETURNING tenant_id, pass_id;
        """;

    public const string InsertLog = """
        INSERT INTO tenant_logs(tenant_id, at, kind, event_id, attempt, status, duration_ms, error, entries, tenant_version)
        VALUES($t, $at, $k, $e, $a, $s, $d, $err, $entries, $tv);
        """;

    public const string Release = """
        UPDATE events SET lease_owner = NULL, lease_expires_at = NULL
        WHERE lease_owner = $owner AND event_id IN (SELECT value FROM json_each($ids))
        RETURNING tenant_id, pass_id;
        """;

    public const string Renew = """
        UPDATE events SET lease_expires_at = $until
        WHERE lease_owner = $owner AND status = 'pending' AND event_id IN (SELECT value FROM json_each($ids))
        RETURNING event_id, tenant_id, pass_id;
        """;

    public const string ReleaseOwners = """
        UPDATE events SET lease_owner = NULL, lease_expires_at = NULL
        WHERE status = 'pending' AND lease_owner IN (SELECT value FROM json_each($owners));
        """;

    public const string QueueStats = """
        SELECT tenant_id,
               SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END),
               MIN(CASE WHEN status = 'pending' THEN received_at END)
        FROM events WHERE status IN ('pending', 'dead') GROUP BY tenant_id ORDER BY tenant_id;
        """;

    public const string PruneEvents = $"""
        DELETE FROM events WHERE event_id IN (
            SELECT event_id FROM events WHERE status IN ('delivered', 'skipped') AND completed_at < $before {SqliteStatements.LimitN});
        """;

    public const string PruneLogs = $"DELETE FROM tenant_logs WHERE id IN (SELECT id FROM tenant_logs WHERE at < $before {SqliteStatements.LimitN});";
}
