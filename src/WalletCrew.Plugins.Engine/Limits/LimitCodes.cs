namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The diagnostic ids of the limits (<c>WCP05xx</c>).</summary>
internal static class LimitCodes
{
    /// <summary>The engine could not insert its checkpoints; the script is not loaded (fail closed).</summary>
    public const string InstrumentationFailed = "WCP0501";
}
