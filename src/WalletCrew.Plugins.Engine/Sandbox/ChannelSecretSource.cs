namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The worker's secrets: each is asked of the host, which answers with this worker's tenant's secret only.</summary>
internal sealed class ChannelSecretSource(WorkerLoop loop) : ISecretSource
{
    public async ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var reply = await loop.CallAsync<SecretReply>(id => new SecretCall(id, name), cancellationToken).ConfigureAwait(false);
        return reply.Value;
    }
}
