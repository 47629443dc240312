using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Runs sandboxed workers below the host's own threads (ingest, delivery, the store's writer): a worker that spins, even
/// while its calls keep it busy (where the CPU watch cannot tell), gets a third of a core the host's threads also want.
/// Where workers run in CPU groups (<see cref="WorkerGroups"/>) a group weighs as one thread of the host's whatever its
/// threads' niceness, and its cap is what bounds it; this is the bound where the host has no cgroup to write.
/// Mildly: deadlines are wall time, so a worker starved by a host under load would time out honest calls. Through
/// <c>nice</c>, which execs the command (no process is added); without it (no coreutils), at the host's priority.
/// Compiler processes stay at the host's priority: their bound is processor time with a wall-time backstop, and a compile
/// starved below the host's threads would reach the backstop.
/// </summary>
internal static class BelowHost
{
    /// <summary>How much lower than the host's their scheduling priority is.</summary>
    public const int Niceness = 5;

    private const string Nice = "/usr/bin/nice";

    /// <summary>Returns <paramref name="command"/> (the executable, then its arguments) to run below the host.</summary>
    public static IReadOnlyList<string> Command(IReadOnlyList<string> command) =>
        File.Exists(Nice) ? [Nice, "-n", Niceness.ToString(CultureInfo.InvariantCulture), .. command] : command;
}
