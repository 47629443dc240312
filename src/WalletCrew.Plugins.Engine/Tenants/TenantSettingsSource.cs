using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>
/// One tenant's <c>tenant.json</c> as applied: the limits of its invocations (overrides capped by the host maxima), the
/// fetch client of its egress policy, and the file's diagnostics. Re-read with every reload of the tenant.
/// </summary>
internal sealed class TenantSettingsSource
{
    private readonly string _tenantId;
    private readonly string _path;
    private readonly ConnectorEngineOptions _options;
    private readonly TenantFetchClients _clients;
    private Snapshot? _current;

    public TenantSettingsSource(string tenantId, string tenantDirectory, ConnectorEngineOptions options, TenantFetchClients clients)
    {
        _tenantId = tenantId;
        _path = Path.Combine(tenantDirectory, TenantSettingsReader.FileName);
        _options = options;
        _clients = clients;
    }

    public InvocationLimits Limits => Current.Limits;

    /// <summary>Gets the secret values this tenant's code has read, which every invocation of it redacts.</summary>
    public SecretsRead SecretsRead { get; } = new();

    public FetchClient Fetch => Current.Fetch;

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics => Current.Diagnostics;

    private Snapshot Current => Volatile.Read(ref _current) ?? Reload();

    /// <summary>Returns whether tenant.json was added, removed or changed since it was last read.</summary>
    public bool HasChanged() => !ReadText(out var text) || text != Volatile.Read(ref _current)?.Text;

    /// <summary>Reads tenant.json again and applies it.</summary>
    public Snapshot Reload()
    {
        if (!ReadText(out var text) && Volatile.Read(ref _current) is { } unreadable)
        {
            return unreadable; // being written: the next change event reads it again
        }

        var settings = text is null ? TenantSettings.None : TenantSettingsReader.Read(text, _options.LimitMaxima);
        var host = InvocationLimits.From(_options);
        var limits = host with
        {
            InvocationTimeout = settings.InvocationTimeout ?? host.InvocationTimeout,
            OutboundCallsPerInvocation = (int?)settings.OutboundCallsPerInvocation ?? host.OutboundCallsPerInvocation,
            ConcurrentInvocations = (int?)settings.ConcurrentInvocations ?? host.ConcurrentInvocations,
            LogEntriesPerInvocation = (int?)settings.LogEntriesPerInvocation ?? host.LogEntriesPerInvocation,
            LogBytesPerInvocation = (int?)settings.LogBytesPerInvocation ?? host.LogBytesPerInvocation,
            MaxRequestBodyBytes = (int?)settings.RequestBodyBytes ?? host.MaxRequestBodyBytes,
            MaxResponseBodyBytes = (int?)settings.ResponseBodyBytes ?? host.MaxResponseBodyBytes,
            WorkerHeapBytes = settings.WorkerHeapMiB * 1024 * 1024 ?? host.WorkerHeapBytes,
        };
        var fetch = _clients.For(_tenantId, settings.EgressAllow, limits.MaxRequestBodyBytes, limits.MaxResponseBodyBytes);
        var snapshot = new Snapshot(text, limits, fetch, settings.Diagnostics);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    private bool ReadText(out string? text)
    {
        try
        {
            text = File.Exists(_path) ? File.ReadAllText(_path) : null;
            return true;
        }
        catch (IOException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>The settings in force, from one read of the file.</summary>
    internal sealed record Snapshot(string? Text, InvocationLimits Limits, FetchClient Fetch, IReadOnlyList<ConnectorDiagnostic> Diagnostics);
}
