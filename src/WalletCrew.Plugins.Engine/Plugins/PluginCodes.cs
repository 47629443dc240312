namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>Diagnostic codes of plugin assemblies (<c>server/plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>).</summary>
internal static class PluginCodes
{
    public const string AbstractionsMajorMismatch = "WCP0301";
    public const string AbstractionsNewerThanHost = "WCP0302";
    public const string NotAConnector = "WCP0303";
    public const string NotAnAssembly = "WCP0304";
    public const string MissingAssembly = "WCP0305";
    public const string LoadFailed = "WCP0306";
    public const string CreateFailed = "WCP0307";
    public const string RegisterFailed = "WCP0308";
    public const string NoEntryPoint = "WCP0309";
    public const string ForbiddenApi = "WCP0310";
    public const string NotInstrumentable = "WCP0311";
    public const string RefusedFile = "WCP0312";
}
