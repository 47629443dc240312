using System.Data.Common;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>What a <see cref="SqliteClaim{T}"/> claims: its statements, how it reads a leased row and what else a lease changes.</summary>
/// <param name="NextTenant">The next tenant after <c>$after</c> in key order that has a claimable row (one index seek).</param>
/// <param name="Due">Up to <c>$n</c> of tenant <c>$t</c>'s keys due at <c>$now</c> and not leased, earliest first, in index order.</param>
/// <param name="Lease">Leases row <c>$id</c> to <c>$owner</c> until <c>$until</c> if it is still pending, returning it.</param>
/// <param name="Read">Reads a leased row.</param>
/// <param name="LeasedAsync">What else a lease changes, in the same batch (the pass head's next claimable time).</param>
/// <typeparam name="T">What a leased row is read as.</typeparam>
internal sealed record SqliteQueue<T>(string NextTenant, string Due, string Lease, Func<DbDataReader, T> Read,
    Func<SqliteStatements, T, long, Task>? LeasedAsync = null);

/// <summary>The two SQLite queues: the events' pass heads and the emails.</summary>
internal static class SqliteQueues
{
    /// <summary>The index the event claim reads; created at every start (<see cref="SqliteSchema.IndexHeads"/>).</summary>
    public const string PassHeadsIndex = "CREATE INDEX IF NOT EXISTS passes_tenant_ready ON passes(tenant_id, ready_at) WHERE ready_at IS NOT NULL;";

    /// <summary>
    /// Pass heads (<c>passes_tenant_ready</c>, then each head by its key): a tenant's earliest-ready heads that are due and
    /// not leased; a lease also makes the head next claimable when it ends, so the walk skips it until then.
    /// </summary>
    public static SqliteQueue<StoredEvent> Events { get; } = new(
        NextTenant: "SELECT MIN(tenant_id) FROM passes WHERE ready_at IS NOT NULL AND tenant_id > $after;",
        Due: $"""
            SELECT e.event_id FROM passes p
            CROSS JOIN events e ON e.tenant_id = p.tenant_id AND e.pass_id = p.pass_id AND e.seq = p.head_seq
            WHERE p.tenant_id = $t AND p.ready_at <= $now
              AND e.status = 'pending' AND e.next_attempt_at <= $now AND (e.lease_expires_at IS NULL OR e.lease_expires_at <= $now)
            ORDER BY p.ready_at
            {SqliteStatements.LimitN};
            """,
        Lease: $"""
            UPDATE events SET lease_owner = $owner, lease_expires_at = $until
            WHERE event_id = $id AND status = 'pending'
            RETURNING {EventColumns};
            """,
        Read: ReadEvent,
        LeasedAsync: (statements, leased, until) => statements.Command(LeaseHead).Add("$until", until).Add("$t", leased.TenantId).Add("$p", leased.PassId)
            .ExecuteNonQueryAsync(CancellationToken.None));

    /// <summary>
    /// Emails (<c>emails_tenant_pending</c>): a tenant's earliest due emails that are not leased, oldest due first. The
    /// scan passes over the tenant's leased emails that are due, at most what its workers run.
    /// </summary>
    public static SqliteQueue<StoredEmail> Emails { get; } = new(
        NextTenant: "SELECT MIN(tenant_id) FROM emails WHERE status = 'pending' AND tenant_id > $after;",
        Due: $"""
            SELECT email_id FROM emails
            WHERE tenant_id = $t AND status = 'pending' AND next_attempt_at <= $now
              AND (lease_expires_at IS NULL OR lease_expires_at <= $now)
            ORDER BY next_attempt_at, received_at
            {SqliteStatements.LimitN};
            """,
        Lease: """
            UPDATE emails SET lease_owner = $owner, lease_expires_at = $until
            WHERE email_id = $id AND status = 'pending'
            RETURNING *;
            """,
        Read: ReadEmail);

    private const string LeaseHead = "UPDATE passes SET ready_at = $until WHERE tenant_id = $t AND pass_id = $p;";
}
