namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>What a tenant's connectors registered, by contract.</summary>
internal sealed class RegistrationTable
{
    public List<BoundPassUpdater> PassUpdaters { get; } = [];

    public Dictionary<string, BoundCustomerProvider> CustomerProviders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the tenant's email sender; a tenant has at most one.</summary>
    public BoundEmailSender? EmailSender { get; set; }
}
