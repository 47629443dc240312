namespace WalletCrew.Plugins;

/// <summary>The fifth hook parameter: registration statistics and the installation's source.</summary>
public sealed class AdditionalPassInstallationInformation
{
    internal AdditionalPassInstallationInformation(RegistrationInformation registrationInformation, RegistrationSource? registrationSource)
    {
        RegistrationInformation = registrationInformation;
        RegistrationSource = registrationSource;
    }

    /// <summary>Gets the registration statistics.</summary>
    public RegistrationInformation RegistrationInformation { get; }

    /// <summary>Gets the source of the installation, when available.</summary>
    public RegistrationSource? RegistrationSource { get; }
}
