namespace WalletCrew.Plugins.Engine;

/// <summary>The engine's default limits, in one place.</summary>
internal static class EngineDefaults
{
    public static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan ReloadPollingFallback = TimeSpan.FromSeconds(2);

    public const int MaxLogEntriesPerInvocation = 1_000;

    public const int ResponseBodyLimitBytes = 1024 * 1024;

    public const int RequestBodyLimitBytes = 256 * 1024;
}
