namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>The ingest body: <c>{"device":"apple","installed":true,"passType":"loyalty","identifiers":{…},"registrationSource":{…}}</c>.</summary>
internal sealed class InstallationRequest
{
    public string? Device { get; set; }

    public bool? Installed { get; set; }

    public string? PassType { get; set; }

    public Dictionary<string, string>? Identifiers { get; set; }

    public RegistrationSourceRequest? RegistrationSource { get; set; }

    /// <summary>Gets or sets the device (Apple deviceLibraryIdentifier, Google account/object); several per platform count separately.</summary>
    public string? DeviceId { get; set; }

    /// <summary>Gets or sets when the change happened at the wallet; defaults to when it was received.</summary>
    public DateTimeOffset? OccurredAt { get; set; }
}
