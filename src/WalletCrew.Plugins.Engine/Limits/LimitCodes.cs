namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The diagnostic ids of the limits (<c>WCP05xx</c>).</summary>
internal static class LimitCodes
{
    /// <summary>A value type or a method frame is too large for the stack margin the checkpoints keep; the script is not loaded.</summary>
    public const string StackFrameTooLarge = "WCP0502";

    /// <summary>The engine could not weave its checkpoints into a script; it is not loaded (fail closed).</summary>
    public const string NotWoven = "WCP0503";
}
