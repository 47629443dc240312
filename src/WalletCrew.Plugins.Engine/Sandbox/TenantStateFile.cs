using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The last state a worker reported for a tenant (diagnostics, connectors, registrations), kept in the tenant's cache
/// folder with the fingerprint of the files it came from. A host that starts, or loads a tenant again, with the same
/// files takes it from here and starts the worker on the first call only: a thousand cached tenants start no process.
/// </summary>
internal static class TenantStateFile
{
    private const string FileName = "worker-state.json";

    public static TenantState? Read(string tenantCacheDirectory, string fingerprint)
    {
        try
        {
            var saved = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(tenantCacheDirectory, FileName)), WorkerJson.Default.SavedTenantState);
            return saved is not null && saved.Fingerprint == fingerprint ? saved.State : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void Write(string tenantCacheDirectory, string fingerprint, TenantState state)
    {
        // A failed load is never kept: the next start tries again.
        if (state.Diagnostics.Any(d => d.Code == LoadCodes.WorkerFailed))
        {
            return;
        }

        try
        {
            var path = Path.Combine(tenantCacheDirectory, FileName);
            var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(new SavedTenantState(fingerprint, state), WorkerJson.Default.SavedTenantState));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only saves a start: without it the next load starts the worker.
        }
    }
}

/// <summary>A <see cref="TenantState"/> with the fingerprint of the files it was loaded from.</summary>
internal sealed record SavedTenantState(string Fingerprint, TenantState State);
