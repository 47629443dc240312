namespace WalletCrew.Plugins;

/// <summary>The registration keys the platform knows.</summary>
public static class RegistrationKeys
{
    /// <summary>The key of pass installation hooks (<see cref="IPassUpdater"/>).</summary>
    public const string PassUpdater = "runtime.wallet.passUpdater";

    /// <summary>The prefix of customer provider keys (<see cref="ICustomerProvider"/>); the provider's name follows it.</summary>
    public const string CustomerProviderPrefix = "runtime.scriptable.customerProvider.";

    /// <summary>The key of the tenant's email sender (<see cref="IEmailSender"/>).</summary>
    public const string EmailEngine = "runtime.scriptable.emailEngine";

    /// <summary>Returns the key of the customer provider with the given name.</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>The registration key.</returns>
    public static string CustomerProvider(string name) => CustomerProviderPrefix + name;
}
