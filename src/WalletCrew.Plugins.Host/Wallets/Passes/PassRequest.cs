namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>
/// The pass registry body: <c>{"passType":"loyalty","identifiers":{…},"registrationSource":{…},"apple":{…},"google":{…}}</c>;
/// at least one of <c>apple</c> and <c>google</c>.
/// </summary>
internal sealed class PassRequest
{
    public string? PassType { get; set; }

    public Dictionary<string, string>? Identifiers { get; set; }

    public PassSourceRequest? RegistrationSource { get; set; }

    public ApplePassRequest? Apple { get; set; }

    public GooglePassRequest? Google { get; set; }
}

/// <summary>Where the platform distributed the pass; the device's <c>User-Agent</c> is added at registration.</summary>
internal sealed class PassSourceRequest
{
    public List<string>? Tags { get; set; }

    public string? Medium { get; set; }

    public string? Origin { get; set; }
}

/// <summary>The pass's Apple side: what pass.json says, and optionally the latest signed <c>.pkpass</c> (base64) and its time.</summary>
internal sealed class ApplePassRequest
{
    public string? SerialNumber { get; set; }

    public string? PassTypeIdentifier { get; set; }

    public string? AuthenticationToken { get; set; }

    public byte[]? Pkpass { get; set; }

    public DateTimeOffset? PkpassModifiedAt { get; set; }
}

/// <summary>The pass's Google Wallet class and object ids (<c>issuerId.suffix</c>).</summary>
internal sealed class GooglePassRequest
{
    public string? ClassId { get; set; }

    public string? ObjectId { get; set; }
}
