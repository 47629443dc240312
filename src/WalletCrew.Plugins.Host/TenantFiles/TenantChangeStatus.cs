namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>How a change of a tenant's files ended.</summary>
internal enum TenantChangeStatus
{
    /// <summary>Checked, stored as a new version, and live on this host.</summary>
    Stored,

    /// <summary>The new file set equals the current one: no new version.</summary>
    Unchanged,

    /// <summary>Checked without errors; nothing stored (<c>?dryRun=true</c>).</summary>
    Checked,

    /// <summary>The check found errors; nothing changed.</summary>
    Rejected,

    /// <summary>Another change took the next version first; nothing changed.</summary>
    Conflict,

    /// <summary>The caller's <c>If-Match</c> names another version than the current one; nothing changed.</summary>
    PreconditionFailed,

    /// <summary>The file, version or tenant does not exist.</summary>
    NotFound,

    /// <summary>The store did not confirm the write: the version may or may not be stored (every host follows the store either way).</summary>
    StoreUnavailable,
}
