using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Runs the processes tenants' text and code drive (sandboxed workers, compiler processes) below the host's own threads
/// (ingest, delivery, the store's writer): whatever they do with the CPU, they take what the host leaves. Through
/// <c>nice</c>, which execs the command (no process is added); without it (no coreutils), at the host's priority.
/// </summary>
internal static class BelowHost
{
    /// <summary>How much lower than the host's their scheduling priority is.</summary>
    public const int Niceness = 10;

    private const string Nice = "/usr/bin/nice";

    /// <summary>Returns <paramref name="command"/> (the executable, then its arguments) to run below the host.</summary>
    public static IReadOnlyList<string> Command(IReadOnlyList<string> command) =>
        File.Exists(Nice) ? [Nice, "-n", Niceness.ToString(CultureInfo.InvariantCulture), .. command] : command;
}
