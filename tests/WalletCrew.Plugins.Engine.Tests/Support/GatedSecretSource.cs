namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>A secret source whose lookup of one name waits until the test opens the gate: holds a connector call in flight, deterministically.</summary>
internal sealed class GatedSecretSource(string gatedName) : ISecretSource
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a connector is waiting at the gate.</summary>
    public Task Entered => _entered.Task;

    public void Open() => _gate.TrySetResult();

    public async ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        if (name != gatedName)
        {
            return null;
        }

        _entered.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        return "opened";
    }
}
