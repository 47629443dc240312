namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>The exit codes of <c>wcp</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The connectors have errors, or a hook failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line or an option value is wrong.</summary>
    public const int Usage = 2;
}
