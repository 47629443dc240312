namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>Where the registration came from: <c>{"tags":[…],"medium":…,"origin":…,"userAgent":…}</c>.</summary>
internal sealed class RegistrationSourceRequest
{
    public List<string>? Tags { get; set; }

    public string? Medium { get; set; }

    public string? Origin { get; set; }

    public string? UserAgent { get; set; }
}
