namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>A long-lived host static event: a connector that subscribes to it can never be unloaded (a negative control).</summary>
public static class HostSignals
{
    public static event EventHandler? Changed;

    public static void Raise() => Changed?.Invoke(null, EventArgs.Empty);
}
