using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// Changes a tenant's stored files and keeps this host on the newest stored version. A change builds the whole new file
/// set, materialises it, loads it with the host's settings (compile, policy, plugin metadata, binding), and only when that
/// has no error stores it as the next version and puts exactly that loaded tenant live. Changes and loads of one tenant
/// run one at a time on a host; across hosts the store's version numbers decide (a second change of the same version is
/// a conflict).
/// </summary>
internal sealed partial class TenantVersions(
    ITenantFileStore store, TenantRegistry registry, HostSettings host, IOptions<TenantFileOptions> options, TimeProvider time, ILogger<TenantVersions> logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refusedSaves = new(StringComparer.Ordinal);
    private readonly TenantFolders _folders = new(options.Value.EffectiveDirectory(host));

    /// <summary>Applies <paramref name="edit"/> to the tenant's current files (from the store; a folder tenant's folder on its first change) and checks, stores and activates the result.</summary>
    public async Task<TenantChangeResult> ChangeAsync(string tenantId, TenantChange change, Func<TenantFileSet, TenantChangeResult?> validate, Func<TenantFileSet, TenantFileSet> edit,
        CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (change.IfMatch is { } expected && expected != (current?.Version ?? 0))
            {
                return new TenantChangeResult(TenantChangeStatus.PreconditionFailed, current, null, [],
                    $"If-Match names version {expected}, but the current version of tenant '{tenantId}' is {current?.Version ?? 0}.");
            }

            var baseSet = current is not null
                ? await ReadSetAsync(current, cancellationToken).ConfigureAwait(false)
                : registry.IsFolderTenant(tenantId) ? TenantFolders.ReadFolder(Path.Combine(registry.Root, tenantId)) : TenantFileSet.Empty;
            if (validate(baseSet) is { } refused)
            {
                return refused with { Version = current };
            }

            var next = edit(baseSet);
            if (current is not null && next.SetHash == current.SetHash)
            {
                return new TenantChangeResult(TenantChangeStatus.Unchanged, current, null, []);
            }

            return await CheckAndStoreAsync(tenantId, next, (current?.Version ?? 0) + 1, change, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stores the files of an earlier version as the next version, checked like any change.</summary>
    public async Task<TenantChangeResult> RestoreAsync(string tenantId, long version, TenantChange change, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false);
            var old = await store.GetVersionAsync(tenantId, version, cancellationToken).ConfigureAwait(false);
            if (current is null || old is null)
            {
                return new TenantChangeResult(TenantChangeStatus.NotFound, current, null, [], $"Tenant '{tenantId}' has no stored version {version}.");
            }

            if (change.IfMatch is { } expected && expected != current.Version)
            {
                return new TenantChangeResult(TenantChangeStatus.PreconditionFailed, current, null, [],
                    $"If-Match names version {expected}, but the current version of tenant '{tenantId}' is {current.Version}.");
            }

            var set = await ReadSetAsync(old, cancellationToken).ConfigureAwait(false);
            return await CheckAndStoreAsync(tenantId, set, current.Version + 1, change with { Message = change.Message ?? $"Restore of version {version}" }, version, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The key id recorded on versions made from the tenants folder (their <see cref="TenantVersion.Origin"/> says which).</summary>
    public const string FolderImportKey = "tenants folder";

    /// <summary>
    /// At start (<see cref="TenantFileOptions.ImportFolders"/>), for each tenant folder under the tenants root: stores it as
    /// version 1 when the store has no version of the tenant; stores it as the next version when it differs from the current
    /// version and that version was made from this very folder (edited while the host was stopped, such as by a <c>git
    /// pull</c>); otherwise, when it differs, leaves the store's version live and says so (the store wins: a folder never
    /// replaces a version made elsewhere).
    /// </summary>
    public async Task ImportFoldersAsync(CancellationToken cancellationToken)
    {
        foreach (var tenantId in registry.FolderIds())
        {
            var folder = TenantFolderOrigin.Here(Path.Combine(registry.Root, tenantId));
            var files = TenantFolders.ReadFolder(folder.Folder);
            var current = await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (files.Files.Count == 0 || files.SetHash == current?.SetHash)
            {
                continue;
            }

            if (current is not null && current.Origin != folder)
            {
                LogStoreWins(tenantId, folder.Folder, current.Version, Describe(current));
                continue;
            }

            var message = current is null ? "Imported from the tenants folder" : "Changed in the tenants folder while the host was stopped";
            await StoreFolderAsync(tenantId, folder, files, message, current?.Version ?? 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A save in the folder of a tenant this host serves from the store, while it runs: the folder's files are checked like a
    /// PUT and stored as the next version, live on every host; with errors nothing changes and the errors are logged and
    /// listed among the tenant's diagnostics. A folder tenant is left to the engine (it reloads its folder itself).
    /// </summary>
    public async Task SaveFolderAsync(string tenantId, CancellationToken cancellationToken)
    {
        var folder = TenantFolderOrigin.Here(Path.Combine(registry.Root, tenantId));
        var files = TenantFolders.ReadFolder(folder.Folder);
        if (registry.LiveVersion(tenantId) is null || files.Files.Count == 0 || (_refusedSaves.TryGetValue(tenantId, out var refused) && refused == files.SetHash)
            || (await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false))?.SetHash == files.SetHash)
        {
            // A folder tenant, an empty folder, the same files as a save already refused, or as the current version (touched,
            // or only files the store does not keep changed, such as an editor's build output under .wcp/).
            return;
        }

        await StoreFolderAsync(tenantId, folder, files, "Saved in the tenants folder", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts every stored tenant's newest version live on this host when it serves an older one (at start, and on a notification or poll).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        foreach (var head in await store.ListHeadsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (registry.LiveVersion(head.TenantId) >= head.Version || (_failed.TryGetValue(head.TenantId, out var failed) && failed >= head.Version))
            {
                continue;
            }

            try
            {
                await SyncTenantAsync(head.TenantId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One tenant's version that cannot be read or written here (a full disk, a path this file system refuses)
                // must not hold back the others', nor stop the host starting: it keeps what it serves, and the next
                // sync tries again.
                LogSyncFailed(exception, head.TenantId, head.Version);
            }
        }
    }

    private async Task StoreFolderAsync(string tenantId, TenantFolderOrigin folder, TenantFileSet files, string message, long? ifMatch, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(tenantId, new TenantChange(FolderImportKey, message, DryRun: false, ifMatch, folder), _ => null, _ => files, cancellationToken)
            .ConfigureAwait(false);
        var errors = string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).Append(result.Detail).OfType<string>());
        switch (result.Status)
        {
            case TenantChangeStatus.Stored:
                _refusedSaves.TryRemove(tenantId, out _);
                LogStoredFromFolder(tenantId, result.Version!.Version, folder.Folder);
                break;
            case TenantChangeStatus.Rejected when registry.LiveVersion(tenantId) is { } live:
                _refusedSaves[tenantId] = files.SetHash;
                registry.RecordFailedSave(tenantId, live, result.Diagnostics);
                LogSaveRefused(tenantId, folder.Folder, live, errors);
                break;
            case TenantChangeStatus.Rejected:
                LogImportRefused(tenantId, errors);
                break;
            case TenantChangeStatus.PreconditionFailed:
                // Another host stored a version since this one read the current one: that version wins.
                LogStoreWins(tenantId, folder.Folder, result.Version?.Version ?? 0, result.Version is null ? "" : Describe(result.Version));
                break;
            case TenantChangeStatus.Unchanged:
                break;
            default:
                LogFolderNotStored(tenantId, folder.Folder, result.Status, errors);
                break;
        }
    }

    private static string Describe(TenantVersion version) => version.Origin is { } origin
        ? $"made from the tenants folder {origin.Folder} on {origin.Machine}"
        : $"made through the API with {version.KeyId}{(version.RestoredFrom is { } from ? $" (a restore of version {from})" : "")}";

    private async Task SyncTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await store.GetCurrentAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (current is null || registry.LiveVersion(tenantId) >= current.Version)
            {
                return;
            }

            var set = await ReadSetAsync(current, cancellationToken).ConfigureAwait(false);
            var connectors = await LoadAsync(tenantId, set).ConfigureAwait(false);
            if (connectors.HasErrors)
            {
                // Checked without errors where it was stored: this host's settings differ. Keep serving what it serves.
                _failed[tenantId] = current.Version;
                LogLoadFailed(tenantId, current.Version, string.Join(Environment.NewLine, connectors.Diagnostics.Where(d => d.IsError)));
                connectors.Dispose();
                return;
            }

            registry.Activate(tenantId, current.Version, connectors);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TenantChangeResult> CheckAndStoreAsync(string tenantId, TenantFileSet set, long number, TenantChange change, long? restoredFrom, CancellationToken cancellationToken)
    {
        if (set.Files.Count > options.Value.MaxFiles)
        {
            return new TenantChangeResult(TenantChangeStatus.Rejected, null, number, [],
                $"The tenant would have {set.Files.Count} files; the limit is {options.Value.MaxFiles} ({TenantFileOptions.Section}:MaxFiles).");
        }

        if (set.Files.Values.Sum(content => (long)content.Length) is var bytes && bytes > options.Value.MaxTenantBytes)
        {
            return new TenantChangeResult(TenantChangeStatus.Rejected, null, number, [],
                string.Create(CultureInfo.InvariantCulture, $"The tenant's files would hold {bytes:N0} bytes together; the limit is {options.Value.MaxTenantBytes:N0} ({TenantFileOptions.Section}:MaxTenantBytes)."));
        }

        var connectors = await LoadAsync(tenantId, set).ConfigureAwait(false);
        var diagnostics = connectors.Diagnostics;
        var hasErrors = diagnostics.Any(d => d.IsError);
        if (hasErrors || change.DryRun)
        {
            connectors.Dispose();
            return new TenantChangeResult(hasErrors ? TenantChangeStatus.Rejected : TenantChangeStatus.Checked, null, number, diagnostics);
        }

        var version = new TenantVersion(tenantId, number, time.GetUtcNow(), change.KeyId, change.Message, set.SetHash, set.Entries, restoredFrom, change.Origin);
        bool stored;
        try
        {
            stored = await store.AppendAsync(version, set.Blobs(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            connectors.Dispose();
            LogStoreFailed(exception, tenantId, number);
            return new TenantChangeResult(TenantChangeStatus.StoreUnavailable, null, number, diagnostics,
                $"The store did not confirm version {number} of tenant '{tenantId}'; it may or may not be stored (hosts follow the store either way). Read GET /api/tenants/{tenantId}/versions before retrying.");
        }

        if (!stored)
        {
            connectors.Dispose();
            return new TenantChangeResult(TenantChangeStatus.Conflict, null, number, diagnostics,
                $"Another change stored version {number} of tenant '{tenantId}' first; nothing changed. Read the current files and retry.");
        }

        // Exactly what was checked goes live; a newer version another host stored meanwhile wins (Activate refuses going back).
        registry.Activate(tenantId, number, connectors);
        _failed.TryRemove(tenantId, out _);
        return new TenantChangeResult(TenantChangeStatus.Stored, version, number, diagnostics);
    }

    private Task<TenantConnectors> LoadAsync(string tenantId, TenantFileSet set) =>
        Task.Run(() => registry.LoadStored(_folders.Materialise(tenantId, set)), CancellationToken.None);

    private async Task<TenantFileSet> ReadSetAsync(TenantVersion version, CancellationToken cancellationToken)
    {
        var blobs = await store.ReadBlobsAsync([.. version.Files.Select(f => f.Hash)], cancellationToken).ConfigureAwait(false);
        var missing = version.Files.FirstOrDefault(f => !blobs.ContainsKey(f.Hash));
        if (missing is not null)
        {
            throw new InvalidOperationException($"Tenant '{version.TenantId}' version {version.Version}: the store has no content for '{missing.Path}' ({missing.Hash}).");
        }

        return new TenantFileSet(version.Files.Select(f => new KeyValuePair<string, byte[]>(f.Path, blobs[f.Hash])));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored tenant {TenantId} version {Version} from its folder {Folder}; it is live on every host")]
    private partial void LogStoredFromFolder(string tenantId, long version, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} was not imported from the tenants folder: it does not check; it stays served from its folder:\n{Errors}")]
    private partial void LogImportRefused(string tenantId, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: the files saved in {Folder} do not check; version {Version} stays live:\n{Errors}")]
    private partial void LogSaveRefused(string tenantId, string folder, long version, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: its folder {Folder} differs from stored version {Version}, {Origin}; the store wins and the folder was not imported. To make the folder the next version, push it: wcp push {Folder} --host <url> --api-key <key>")]
    private partial void LogStoreWins(string tenantId, string folder, long version, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: the files in {Folder} were not stored ({Status}); a later save or start tries again: {Detail}")]
    private partial void LogFolderNotStored(string tenantId, string folder, TenantChangeStatus status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing tenant {TenantId} version {Version} failed")]
    private partial void LogStoreFailed(Exception exception, string tenantId, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {TenantId} version {Version} could not be made live on this host; the version it serves stays live, and the next sync tries again")]
    private partial void LogSyncFailed(Exception exception, string tenantId, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {TenantId} version {Version} does not load on this host (its settings differ from the host that stored it); the version it serves stays live:\n{Errors}")]
    private partial void LogLoadFailed(string tenantId, long version, string errors);
}
