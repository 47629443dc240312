namespace AcmeLoyaltyPlugin;

/// <summary>Registers the acme connectors, exactly as the acme-typed script's top-level code does.</summary>
public sealed class AcmeLoyaltyModule : IConnectorModule
{
    /// <inheritdoc />
    public void Register(IConnectorContext context)
    {
        context.Register(RegistrationKeys.PassUpdater, new CrmSync(context));
        context.Register(RegistrationKeys.CustomerProvider("customProvider"), new LoyaltyProvider(context));
    }
}
