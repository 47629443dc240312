namespace WalletCrew.Plugins.Host.Store;

/// <summary>The tenant log: each invocation, with what the connector logged.</summary>
internal interface ITenantLog
{
    /// <summary>Appends an invocation to the tenant log (Fill calls; deliveries write theirs with <see cref="ILeaseStore.CompleteAsync"/>).</summary>
    Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken);

    /// <summary>Returns the newest tenant log entries, newest first.</summary>
    Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken);
}
