namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The id of the host request whose invocation the current code runs for (0 while connectors load), so the host can count its calls.</summary>
internal static class WorkerInvocation
{
    private static readonly AsyncLocal<long> Id = new();

    public static long Current
    {
        get => Id.Value;
        set => Id.Value = value;
    }
}
