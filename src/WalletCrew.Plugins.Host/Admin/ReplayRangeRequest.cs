namespace WalletCrew.Plugins.Host.Admin;

/// <summary>The range replay body: <c>{"from":…,"to":…,"tenantId":…,"status":"dead"}</c>; <c>to</c> defaults to now, <c>status</c> to <c>dead</c>.</summary>
internal sealed class ReplayRangeRequest
{
    public DateTimeOffset? From { get; set; }

    public DateTimeOffset? To { get; set; }

    public string? TenantId { get; set; }

    public string? Status { get; set; }
}
