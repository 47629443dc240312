using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Tells when a worker keeps a core busy with no request of the host's running. A deadline bounds code only while its call
/// runs: code that leaves a spin behind (a thread of its own, past the policy) and returns is answered in time, so the host
/// reads the worker's CPU time at every tick of its watch and hands it here with whether any request ran since the last.
/// </summary>
internal sealed class BusyWithoutCallWatch
{
    /// <summary>How many ticks with no request running the CPU is averaged over (3 s at the host's 250 ms: a spare's practice
    /// load and the runtime's compiling after the first calls, which may run on after an answer, use well under that).</summary>
    private const int TicksWatched = 12;

    /// <summary>The share of one core a worker with no request running may use on average over those ticks: an idle .NET
    /// worker uses next to none (its runtime's own work after calls comes in short bursts).</summary>
    private const double BusyShare = 0.2;

    private readonly double[] _shares = new double[TicksWatched];
    private long _lastTick = Stopwatch.GetTimestamp();
    private TimeSpan _lastCpu;
    private int _idleTicks;
    private int _slot;

    /// <summary>Records one tick; returns whether the worker has kept a core busy over the last ticks, none of which ran a request.</summary>
    /// <param name="cpu">The worker tree's CPU time so far.</param>
    /// <param name="idle">Whether no request of the host's ran since the last tick.</param>
    public bool Tick(TimeSpan cpu, bool idle)
    {
        var now = Stopwatch.GetTimestamp();

        // The last ticks' shares of a core, averaged: a spin on a machine busy with other work gets a core only now and then.
        _slot = (_slot + 1) % _shares.Length;
        _shares[_slot] = (cpu - _lastCpu) / Stopwatch.GetElapsedTime(_lastTick, now);
        _idleTicks = idle ? Math.Min(_idleTicks + 1, _shares.Length) : 0;
        (_lastTick, _lastCpu) = (now, cpu);
        return _idleTicks == _shares.Length && _shares.Average() >= BusyShare;
    }
}
