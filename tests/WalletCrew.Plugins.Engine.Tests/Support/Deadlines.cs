namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>How long tests let a call that its wall-time limit stops take to return.</summary>
internal static class Deadlines
{
    /// <summary>
    /// Ten times the limit: a call stopped at its limit returns near it, and one that is not stopped never returns, so the
    /// margin only has to absorb a loaded machine (a 0.5 s limit took 2.03 s once in CI beside the other test runs).
    /// </summary>
    public static TimeSpan Stopped(TimeSpan limit) => limit * 10;
}
