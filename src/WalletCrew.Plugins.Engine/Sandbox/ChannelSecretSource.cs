namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The worker's secrets: those the host sent with the invocation (the ones the tenant asked for before, read when the call
/// started), else asked of the host, which answers with this worker's tenant's secret only.
/// </summary>
internal sealed class ChannelSecretSource(WorkerLoop loop) : ISecretSource
{
    public async ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        if (WorkerInvocation.Secrets is { } sent && sent.TryGetValue(name, out var value))
        {
            return value;
        }

        var reply = await loop.CallAsync<SecretReply>(id => new SecretCall(id, WorkerInvocation.Current, name), cancellationToken).ConfigureAwait(false);
        return reply.Value;
    }
}
