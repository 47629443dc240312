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
