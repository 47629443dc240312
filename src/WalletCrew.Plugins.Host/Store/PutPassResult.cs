namespace WalletCrew.Plugins.Host.Store;

/// <summary>What putting a pass in the registry did.</summary>
internal enum PutPassResult
{
    Created,
    Updated,

    /// <summary>Another pass of the tenant already has this Apple serial number and pass type identifier, or this Google object id.</summary>
    Conflict,
}
