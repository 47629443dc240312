using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>Runs tenant code and turns whatever happens into an <see cref="InvocationResult"/>.</summary>
internal sealed class ConnectorInvoker
{
    public Task<InvocationResult> InvokePassUpdatersAsync(IReadOnlyList<BoundPassUpdater> updaters, PassInstallationEvent e, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<InvocationResult> FillAsync(BoundCustomerProvider provider, FillRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public InvocationResult NotFound(string message) => new(InvocationStatus.NotFound, [], message, null);
}
