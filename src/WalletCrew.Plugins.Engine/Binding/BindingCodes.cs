namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>Diagnostic codes of registration and binding problems.</summary>
internal static class BindingCodes
{
    public const string UnknownKey = "WCP0101";
    public const string UnsupportedImplementation = "WCP0102";
    public const string UnknownMember = "WCP0103";
    public const string UnbindableParameter = "WCP0104";
    public const string UnsupportedReturn = "WCP0105";
    public const string MissingMember = "WCP0106";
    public const string DuplicateProvider = "WCP0107";
    public const string NothingRegistered = "WCP0108";
    public const string RegisterAfterLoad = "WCP0109";
    public const string DuplicateEmailSender = "WCP0110";
}
