using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// One Polly circuit breaker per tenant's pass updaters (the unit the engine invokes): repeated failures open that
/// tenant's circuit only, its events wait without using attempts, and other tenants are never affected.
/// </summary>
internal sealed class ConnectorCircuits(IOptions<DeliveryOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Circuit> _circuits = new(StringComparer.Ordinal);

    /// <summary>Returns the state of every circuit that has seen a call.</summary>
    public IReadOnlyDictionary<string, CircuitState> States() => _circuits.ToDictionary(c => c.Key, c => c.Value.State.CircuitState, StringComparer.Ordinal);

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
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<HookOutcome> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HookOutcome>
            {
                FailureRatio = settings.CircuitFailureRatio,
                MinimumThroughput = settings.CircuitMinimumThroughput,
                SamplingDuration = settings.CircuitSamplingDuration,
                BreakDuration = settings.CircuitBreakDuration,
                StateProvider = state,
                // Only what ran and failed: a rejection (the tenant at its concurrency limit) ran nothing.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Status is HookStatus.Failed or HookStatus.TimedOut),
            })
            .Build();
        return new Circuit(pipeline, state);
    }

    private sealed record Circuit(ResiliencePipeline<HookOutcome> Pipeline, CircuitBreakerStateProvider State);
}
