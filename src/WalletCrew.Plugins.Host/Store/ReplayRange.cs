namespace WalletCrew.Plugins.Host.Store;

/// <summary>Selects events to replay by when they were received: <c>[From, To)</c>, optionally one tenant (and one pass), in one status.</summary>
internal sealed record ReplayRange(string? TenantId, DateTimeOffset From, DateTimeOffset To, DeliveryStatus Status)
{
    /// <summary>
    /// The most events (or dead emails) one transaction of a replay changes: a range of any size is replayed batch after
    /// batch, so ingest, claims and completions go on between its transactions instead of waiting for one as large as the range.
    /// </summary>
    public const int Batch = 500;

    /// <summary>Runs <paramref name="replayBatch"/> (one transaction replaying at most <see cref="Batch"/> items) until a batch replays fewer; returns the total.</summary>
    public static async Task<int> InBatchesAsync(Func<Task<int>> replayBatch)
    {
        var replayed = 0;
        while (true)
        {
            var batch = await replayBatch().ConfigureAwait(false);
            replayed += batch;
            if (batch < Batch)
            {
                return replayed;
            }
        }
    }

    /// <summary>Gets the one pass to replay, or null for every pass.</summary>
    public string? PassId { get; init; }
}
