using WalletCrew.Plugins.Engine.Binding;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// Receives a connector version's <c>Register</c> calls while it loads, binds each with <see cref="ContractBinder"/>,
/// and keeps what bound and the diagnostics of what did not.
/// </summary>
/// <param name="source">The connector's display path, recorded on what it registers.</param>
/// <param name="locate">Turns a binding problem into a located diagnostic; called from inside <c>Register</c>.</param>
/// <param name="checkpointed">Whether the connector's code carries checkpoints (instrumented scripts), so its calls may run inline.</param>
internal sealed class RegistrationCollector(string source, Func<BindError, ConnectorDiagnostic> locate, bool checkpointed = false)
{
    // Top-level code may register from several threads at once (after an await, in Task.WhenAll); the lists are not
    // thread-safe, and a lost or torn registration would bind silently short.
    private readonly Lock _gate = new();

    public List<BoundPassUpdater> PassUpdaters { get; } = [];

    public List<BoundCustomerProvider> CustomerProviders { get; } = [];

    public List<BoundEmailSender> EmailSenders { get; } = [];

    public List<ConnectorDiagnostic> Diagnostics { get; } = [];

    public void Register(string key, object implementation)
    {
        var outcome = ContractBinder.Bind(key, implementation, source);
        lock (_gate)
        {
            Keep(outcome);
        }
    }

    private void Keep(BindOutcome outcome)
    {
        if (outcome.Errors.Count > 0)
        {
            Diagnostics.AddRange(outcome.Errors.Select(locate));
            return;
        }

        if (outcome.PassUpdater is not null)
        {
            PassUpdaters.Add(outcome.PassUpdater with { RunsInline = checkpointed });
        }

        if (outcome.CustomerProvider is not null)
        {
            CustomerProviders.Add(outcome.CustomerProvider with { RunsInline = checkpointed });
        }

        if (outcome.EmailSender is not null)
        {
            EmailSenders.Add(outcome.EmailSender with { RunsInline = checkpointed });
        }
    }

    /// <summary>Adds the warning for a connector that loaded but registered nothing.</summary>
    public void WarnIfEmpty()
    {
        if (PassUpdaters.Count == 0 && CustomerProviders.Count == 0 && EmailSenders.Count == 0 && !Diagnostics.Any(d => d.IsError))
        {
            Diagnostics.Add(new ConnectorDiagnostic(source, 0, 0, ConnectorDiagnosticSeverity.Warning, BindingCodes.NothingRegistered,
                "This connector registers nothing: call context.register(key, implementation) in its top-level code (or IConnectorModule.Register)."));
        }
    }
}
