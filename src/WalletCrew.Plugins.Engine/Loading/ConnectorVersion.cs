using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>One loaded version of one connector file: its load context, what it registered and what went wrong.</summary>
internal sealed class ConnectorVersion : IDisposable
{
    private readonly ConnectorLoadContext? _context;
    private readonly ConnectorContext? _connectorContext;

    public ConnectorVersion(
        string displayPath,
        ConnectorLoadContext? context,
        ConnectorContext? connectorContext,
        IReadOnlyList<BoundPassUpdater> passUpdaters,
        IReadOnlyList<BoundCustomerProvider> customerProviders,
        IReadOnlyList<ConnectorDiagnostic> diagnostics,
        IReadOnlyList<TenantLogEntry> loadLog)
    {
        DisplayPath = displayPath;
        _context = context;
        _connectorContext = connectorContext;
        PassUpdaters = passUpdaters;
        CustomerProviders = customerProviders;
        Diagnostics = diagnostics;
        LoadLog = loadLog;
    }

    public string DisplayPath { get; }

    public IReadOnlyList<BoundPassUpdater> PassUpdaters { get; }

    public IReadOnlyList<BoundCustomerProvider> CustomerProviders { get; }

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    public IReadOnlyList<TenantLogEntry> LoadLog { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Gets a weak handle on the load context, to prove it was collected after unload.</summary>
    public WeakReference? ContextReference => _context is null ? null : new WeakReference(_context);

    public static ConnectorVersion Failed(string displayPath, IReadOnlyList<ConnectorDiagnostic> diagnostics) =>
        new(displayPath, null, null, [], [], diagnostics, []);

    public void Dispose()
    {
        _connectorContext?.Seal();
        _context?.Unload();
    }
}
