using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// One Polly circuit breaker per tenant's pass updaters (the unit the engine invokes): repeated failures open that
/// tenant's circuit only, its events wait without using attempts, and other tenants are never affected. An open circuit
/// moves to half-open only when a call goes through it, so the claim leaves a tenant out only until its break ends
/// (<see cref="Deferred"/>): the first delivery after it is the trial call.
/// </summary>
internal sealed class ConnectorCircuits(IOptions<DeliveryOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Circuit> _circuits = new(StringComparer.Ordinal);

    /// <summary>Returns the state of every circuit that has seen a call.</summary>
    public IReadOnlyDictionary<string, CircuitState> States() => _circuits.ToDictionary(c => c.Key, c => c.Value.State.CircuitState, StringComparer.Ordinal);

    /// <summary>Returns the tenants whose deliveries wait now: their circuit is isolated, or open and within its break.</summary>
    public IReadOnlyList<string> Deferred()
    {
        var now = time.GetUtcNow();
        return [.. _circuits.Where(c => c.Value.State.CircuitState switch
        {
            CircuitState.Isolated => true,
            CircuitState.Open => now < c.Value.BreakEndsAt,
            _ => false,
        }).Select(c => c.Key)];
    }

    /// <summary>Runs the delivery through the tenant's circuit; throws <see cref="BrokenCircuitException"/> when it is open.</summary>
    public async Task<HookOutcome> ExecuteAsync(string tenantId, Func<CancellationToken, Task<HookOutcome>> deliver, CancellationToken cancellationToken)
    {
        var circuit = _circuits.GetOrAdd(tenantId, _ => Create());
        return await circuit.Pipeline.ExecuteAsync(
            static async (state, token) => await state(token).ConfigureAwait(false),
            deliver,
            cancellationToken).ConfigureAwait(false);
    }

    private Circuit Create()
    {
        var settings = options.Value;
        var circuit = new Circuit(new CircuitBreakerStateProvider());
        circuit.Pipeline = new ResiliencePipelineBuilder<HookOutcome> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HookOutcome>
            {
                FailureRatio = settings.CircuitFailureRatio,
                MinimumThroughput = settings.CircuitMinimumThroughput,
                SamplingDuration = settings.CircuitSamplingDuration,
                BreakDuration = settings.CircuitBreakDuration,
                StateProvider = circuit.State,
                // Only what ran and failed: a rejection (the tenant at its concurrency limit) ran nothing.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Status is HookStatus.Failed or HookStatus.TimedOut),
                OnOpened = args =>
                {
                    circuit.BreakEndsAt = time.GetUtcNow() + args.BreakDuration;
                    return default;
                },
            })
            .Build();
        return circuit;
    }

    private sealed class Circuit(CircuitBreakerStateProvider state)
    {
        public CircuitBreakerStateProvider State { get; } = state;

        public ResiliencePipeline<HookOutcome> Pipeline { get; set; } = ResiliencePipeline<HookOutcome>.Empty;

        private long _breakEndsAtTicks;

        // Written by Polly's callback when the circuit opens, read by the claim; a stale read defers one claim at most.
        public DateTimeOffset BreakEndsAt
        {
            get => new(Volatile.Read(ref _breakEndsAtTicks), TimeSpan.Zero);
            set => Volatile.Write(ref _breakEndsAtTicks, value.UtcTicks);
        }
    }
}
