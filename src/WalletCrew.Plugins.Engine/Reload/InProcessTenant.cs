using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Email;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// A tenant whose connectors run in this process. A reload builds the next generation aside and swaps it in atomically;
/// calls in flight finish on the version they started on.
/// </summary>
internal sealed class InProcessTenant : TenantRuntime
{
    private readonly string _tenantId;
    private readonly ConnectorInvoker _invoker;
    private readonly EmailTemplates _templates;
    private readonly TenantBuilder? _builder;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private TenantGeneration _current;
    private int _disposed;

    public InProcessTenant(string tenantId, string directory, TenantBuilder? builder, ConnectorInvoker invoker)
    {
        _tenantId = tenantId;
        _templates = new EmailTemplates(directory);
        _builder = builder;
        _invoker = invoker;
        _current = builder?.Build(null, 1) ?? Empty(1);
    }

    public override long Generation => Volatile.Read(ref _current).Number;

    public override IReadOnlyList<ConnectorDiagnostic> Diagnostics => Volatile.Read(ref _current).Diagnostics;

    public override IReadOnlyList<TenantLogEntry> LoadLog => [.. Volatile.Read(ref _current).Slots.Values.SelectMany(s => s.Version.Value.LoadLog)];

    public override IReadOnlyList<ConnectorInfo> Connectors => [.. Volatile.Read(ref _current).Slots.Select(s => ConnectorInfo.From(s.Key, s.Value))];

    public override int PassUpdaterCount => Volatile.Read(ref _current).Table.PassUpdaters.Count;

    public override IReadOnlyCollection<string> CustomerProviders => Volatile.Read(ref _current).Table.CustomerProviders.Keys;

    public override bool HasEmailSender => Volatile.Read(ref _current).Table.EmailSender is not null;

    public override InvocationLimits Limits => _invoker.Limits;

    public override IReadOnlyList<WeakReference> LoadContexts =>
        [.. Volatile.Read(ref _current).Slots.Values.Select(s => s.Version.Value.LoadContext).OfType<WeakReference>()];

    public override async Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        var generation = Enter();
        try
        {
            return await _invoker.InvokePassUpdatersAsync(generation.Table.PassUpdaters, e, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            generation.Exit();
            generation = null!; // see ConnectorInvoker: completed state machines must not hold connector code
        }
    }

    public override async Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        var generation = Enter();
        try
        {
            return generation.Table.CustomerProviders.TryGetValue(providerName, out var provider)
                ? await _invoker.FillAsync(provider, request, cancellationToken).ConfigureAwait(false)
                : _invoker.NotFound($"Tenant '{_tenantId}' has no customer provider named '{providerName}'.");
        }
        finally
        {
            generation.Exit();
            generation = null!;
        }
    }

    public override async Task<InvocationResult> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
    {
        var generation = Enter();
        try
        {
            return generation.Table.EmailSender is { } sender
                ? await _invoker.SendEmailAsync(sender, _templates.Bind(request), cancellationToken).ConfigureAwait(false)
                : _invoker.NotFound($"Tenant '{_tenantId}' has no email sender registered ({RegistrationKeys.EmailEngine}).");
        }
        finally
        {
            generation.Exit();
            generation = null!;
        }
    }

    public override async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        if (_builder is null || Volatile.Read(ref _disposed) == 1)
        {
            return false;
        }

        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _current);
            if (Volatile.Read(ref _disposed) == 1 || !_builder.HasChanges(current))
            {
                return false;
            }

            var next = await Task.Run(() => _builder.Build(current, current.Number + 1), CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _current, next);
            current.Release();
            current = next = null!;
            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _reloadGate.Wait();
        try
        {
            // Drop the generation, not just release it: whoever still holds this object must not hold the connectors' code.
            Interlocked.Exchange(ref _current, Empty(0)).Release();
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private static TenantGeneration Empty(long number) => new(number, new Dictionary<string, ConnectorSlot>(), new RegistrationTable(), []);

    private TenantGeneration Enter()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            var generation = Volatile.Read(ref _current);
            if (generation.TryEnter())
            {
                return generation;
            }

            // Replaced between the read and the enter: take the live one.
        }
    }
}
