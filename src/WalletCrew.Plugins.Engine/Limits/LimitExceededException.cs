namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>The root of every limit breach: names the limit, the usage and the setting that raises it.</summary>
/// <remarks>Fetch's body limits, the checkpoints' wall time and stack, and the per-invocation counters all derive from it.</remarks>
internal abstract class LimitExceededException : Exception
{
    protected LimitExceededException(string message, long limit, long used, string setting)
        : base(message)
    {
        Limit = limit;
        Used = used;
        Setting = setting;
    }

    /// <summary>Gets the limit that was exceeded.</summary>
    public long Limit { get; }

    /// <summary>Gets the usage when the breach was detected (it can be a lower bound, e.g. bytes read before stopping).</summary>
    public long Used { get; }

    /// <summary>Gets the name of the setting that holds the limit.</summary>
    public string Setting { get; }
}
