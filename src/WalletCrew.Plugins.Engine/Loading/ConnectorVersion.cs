using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>One loaded version of one connector (a script file or a plugin folder): what it registered, what went wrong, and how to unload it.</summary>
internal sealed class ConnectorVersion : IDisposable
{
    private readonly ConnectorContext? _connectorContext;
    private Action? _unload;
    private int _disposed;

    public ConnectorVersion(
        string displayPath,
        WeakReference? loadContext,
        Action? unload,
        ConnectorContext? connectorContext,
        IReadOnlyList<BoundPassUpdater> passUpdaters,
        IReadOnlyList<BoundCustomerProvider> customerProviders,
        IReadOnlyList<BoundEmailSender> emailSenders,
        IReadOnlyList<ConnectorDiagnostic> diagnostics,
        IReadOnlyList<TenantLogEntry> loadLog)
    {
        DisplayPath = displayPath;
        LoadContext = loadContext;
        _unload = unload;
        _connectorContext = connectorContext;
        PassUpdaters = passUpdaters;
        CustomerProviders = customerProviders;
        EmailSenders = emailSenders;
        Diagnostics = diagnostics;
        LoadLog = loadLog;
    }

    public string DisplayPath { get; }

    public IReadOnlyList<BoundPassUpdater> PassUpdaters { get; }

    public IReadOnlyList<BoundCustomerProvider> CustomerProviders { get; }

    public IReadOnlyList<BoundEmailSender> EmailSenders { get; }

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    public IReadOnlyList<TenantLogEntry> LoadLog { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Gets a weak handle on the version's load context, to prove it was collected after unload; <see langword="null"/> when nothing was loaded.</summary>
    public WeakReference? LoadContext { get; }

    public static ConnectorVersion Failed(string displayPath, IReadOnlyList<ConnectorDiagnostic> diagnostics, IReadOnlyList<TenantLogEntry>? loadLog = null) =>
        new(displayPath, null, null, null, [], [], [], diagnostics, loadLog ?? []);

    /// <summary>Closes registration and starts unloading the load context; idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _connectorContext?.Seal();
        _unload?.Invoke();
        _unload = null;
    }
}
