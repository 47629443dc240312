namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The host request the current code runs for (an invocation, a load or a reload): its id, which the worker's calls to
/// the host name so the host can tell them apart and count them, and the secrets the host sent along with it.
/// </summary>
internal static class WorkerInvocation
{
    private static readonly AsyncLocal<(long Id, IReadOnlyDictionary<string, string?>? Secrets)> State = new();

    public static long Current => State.Value.Id;

    public static IReadOnlyDictionary<string, string?>? Secrets => State.Value.Secrets;

    public static void Enter(long id, IReadOnlyDictionary<string, string?>? secrets) => State.Value = (id, secrets);

    public static void Exit() => State.Value = default;
}
