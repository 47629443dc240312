namespace WalletCrew.Plugins.Host.Store;

/// <summary>The outcome of replaying one event by id.</summary>
internal enum ReplayResult
{
    /// <summary>The event is pending again, with the same EventId.</summary>
    Replayed,

    /// <summary>No such event.</summary>
    NotFound,

    /// <summary>The event is still pending; nothing to replay.</summary>
    AlreadyPending,
}
