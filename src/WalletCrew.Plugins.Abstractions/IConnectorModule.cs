namespace WalletCrew.Plugins;

/// <summary>The entry point of a plugin assembly: registers its connectors.</summary>
/// <remarks>The platform creates the module with its parameterless constructor and calls <see cref="Register"/> once per loaded version.</remarks>
public interface IConnectorModule
{
    /// <summary>Registers this plugin's connectors with the context.</summary>
    /// <param name="context">The tenant's connector context.</param>
    void Register(IConnectorContext context);
}
