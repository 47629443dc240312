namespace WalletCrew.Plugins.Host.Store;

/// <summary>Asks the store for due events to deliver, leased to one owner.</summary>
/// <param name="Owner">The worker taking the lease (unique per host process).</param>
/// <param name="Now">The current time; events due at or before it qualify.</param>
/// <param name="LeaseDuration">How long the lease holds before another worker may take the event.</param>
/// <param name="MaxEvents">The most events to return.</param>
/// <param name="MaxPerTenant">The most events of one tenant to have running, so tenants take turns.</param>
/// <param name="ExcludedTenants">Tenants not to claim for now (circuit open).</param>
/// <param name="Running">Each tenant's deliveries already running on the claiming worker: a tenant gets at most
/// <paramref name="MaxPerTenant"/> minus its count.</param>
internal sealed record ClaimRequest(
    string Owner,
    DateTimeOffset Now,
    TimeSpan LeaseDuration,
    int MaxEvents,
    int MaxPerTenant,
    IReadOnlyCollection<string> ExcludedTenants,
    IReadOnlyDictionary<string, int>? Running = null)
{
    /// <summary>Gets <see cref="Running"/> as the JSON object the claim statements read (<c>{"tenant": count}</c>).</summary>
    public string RunningJson => System.Text.Json.JsonSerializer.Serialize(Running ?? new Dictionary<string, int>());
}
