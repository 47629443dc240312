namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The diagnostic ids of the limits (<c>WCP05xx</c>).</summary>
internal static class LimitCodes
{
    /// <summary>A value type or a method frame is too large for the stack margin the checkpoints keep; the script is not loaded.</summary>
    public const string StackFrameTooLarge = "WCP0502";

    /// <summary>The engine could not weave its checkpoints into a script; it is not loaded (fail closed).</summary>
    public const string NotWoven = "WCP0503";

    /// <summary>Compiling a script passed the compile-time bound; the compiler process was killed.</summary>
    public const string CompileTimedOut = "WCP0504";

    /// <summary>Compiling a script passed the compile-memory bound; the compiler process ended.</summary>
    public const string CompileOutOfMemory = "WCP0505";

    /// <summary>The compiler process crashed (a stack overflow in the compiler, a signal) or the compiler threw on the script.</summary>
    public const string CompilerFailed = "WCP0506";
}
