namespace WalletCrew.Plugins.Engine;

/// <summary>The names of <see cref="IsolationMode"/> in settings and on the command line: <c>auto</c>, <c>sandbox</c>, <c>in-process</c>.</summary>
public static class IsolationModes
{
    /// <summary>Gets the mode the host and the <c>wcp</c> command use when none is configured.</summary>
    public static IsolationMode Default => EngineDefaults.Isolation;

    /// <summary>Gets the accepted names, for help texts and error messages.</summary>
    public static string Names => "auto, sandbox, in-process";

    /// <summary>Returns the wire name of a mode.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns><c>auto</c>, <c>sandbox</c> or <c>in-process</c>.</returns>
    public static string Name(IsolationMode mode) => mode switch
    {
        IsolationMode.Sandbox => "sandbox",
        IsolationMode.InProcess => "in-process",
        _ => "auto",
    };

    /// <summary>Parses a mode's name, ignoring case.</summary>
    /// <param name="value">The name.</param>
    /// <param name="mode">The mode, when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? value, out IsolationMode mode)
    {
        foreach (var candidate in Enum.GetValues<IsolationMode>())
        {
            if (string.Equals(value, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = Default;
        return false;
    }
}
