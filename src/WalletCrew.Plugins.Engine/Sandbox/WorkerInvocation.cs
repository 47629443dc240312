namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The host request whose invocation the current code runs for: its id (0 while connectors load), so the host can count
/// its calls, and the secrets the host sent along with it.
/// </summary>
internal static class WorkerInvocation
{
    private static readonly AsyncLocal<(long Id, IReadOnlyDictionary<string, string?>? Secrets)> State = new();

    public static long Current => State.Value.Id;

    public static IReadOnlyDictionary<string, string?>? Secrets => State.Value.Secrets;

    public static void Enter(long id, IReadOnlyDictionary<string, string?>? secrets) => State.Value = (id, secrets);

    public static void Exit() => State.Value = default;
}
