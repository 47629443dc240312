namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The weaver refused a connector: one of its value types or method frames is larger than the stack margin the checkpoints keep.</summary>
internal sealed class StackFrameTooLargeException(string message, string? file, int line) : Exception(message)
{
    /// <summary>Gets the source file of the method or type, when its PDB names one.</summary>
    public string? File { get; } = file;

    /// <summary>Gets the 1-based line of the method or type, or 0 when unknown.</summary>
    public int Line { get; } = line;
}
