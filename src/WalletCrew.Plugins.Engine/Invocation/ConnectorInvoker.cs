using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Invocation;

/// <summary>
/// Runs tenant code and turns whatever happens (success, exception, timeout) into an <see cref="InvocationResult"/>:
/// the one place tenant exceptions are caught.
/// </summary>
/// <remarks>
/// Async methods here clear their references to connector code before they complete: a thread-pool worker keeps
/// the last state machine it ran until its next work item, and that must not keep an unloaded version alive.
/// </remarks>
internal sealed class ConnectorInvoker(ConnectorEngineOptions options, Func<InvocationLimits>? currentLimits = null, SecretsRead? secretsRead = null)
{
    private readonly Func<InvocationLimits> _limits = currentLimits ?? (() => InvocationLimits.From(options));
    private int _running;

    /// <summary>Gets the limits in force now (read again at every call: a tenant.json change applies to the next one).</summary>
    public InvocationLimits Limits => _limits();

    public async Task<InvocationResult> InvokePassUpdatersAsync(IReadOnlyList<BoundPassUpdater> updaters, PassInstallationEvent e, CancellationToken cancellationToken)
    {
        if (updaters.Count == 0)
        {
            return NotFound($"Tenant '{e.TenantId}' has no pass updater registered ({RegistrationKeys.PassUpdater}).");
        }

        var limits = _limits();
        if (!TryEnter(limits))
        {
            return Rejected(e.TenantId, limits);
        }

        using var timeout = new CancellationTokenSource(limits.InvocationTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var scope = new InvocationScope(linked.Token, limits, secretsRead);
        InvocationScope.Current = scope;
        var budget = new ExecutionBudget(limits.InvocationTimeout, cancellationToken);
        ConnectorCheckpoint.Budget = budget;

        var status = InvocationStatus.Succeeded;
        var errors = new List<string>();
        TimeSpan? retryAfter = null;
        try
        {
            for (var i = 0; i < updaters.Count; i++)
            {
                var call = new PendingCall<PassInstallationEvent>(e.Installed ? updaters[i].Installed : updaters[i].Uninstalled, e, linked.Token, updaters[i].RunsInline);
                var (outcome, error, askedWait) = await RunAsync(call, budget, limits, timeout, cancellationToken).ConfigureAwait(false);
                if (outcome == InvocationStatus.Succeeded)
                {
                    continue;
                }

                if (askedWait > (retryAfter ?? TimeSpan.Zero))
                {
                    retryAfter = askedWait;
                }

                status = status == InvocationStatus.TimedOut ? status : outcome;
                errors.Add(error!);
                if (outcome == InvocationStatus.TimedOut)
                {
                    break;
                }
            }
        }
        finally
        {
            budget.End();
            EndOf(linked);
            updaters = [];
            Interlocked.Decrement(ref _running);
        }

        return new InvocationResult(status, scope.Log, errors.Count == 0 ? null : scope.Redact(string.Join(Environment.NewLine, errors)), null)
        {
            RetryAfter = retryAfter,
        };
    }

    public Task<InvocationResult> FillAsync(BoundCustomerProvider provider, FillRequest request, CancellationToken cancellationToken) =>
        InvokeOneAsync(request.TenantId, token => new PendingFill(provider.Fill, request, token, provider.RunsInline), call => call.Result, cancellationToken);

    public Task<InvocationResult> SendEmailAsync(BoundEmailSender sender, EmailRequest request, CancellationToken cancellationToken) =>
        InvokeOneAsync(request.TenantId, token => new PendingCall<EmailRequest>(sender.Send, request, token, sender.RunsInline), _ => null, cancellationToken);

    /// <summary>
    /// One call under the tenant's limits (Fill, SendEmail). <paramref name="start"/> builds the call with the invocation's
    /// token; it is dropped at once, so neither it nor its closure (which holds the connector) outlives the call.
    /// </summary>
    private async Task<InvocationResult> InvokeOneAsync<TCall>(string tenantId, Func<CancellationToken, TCall> start, Func<TCall, JsonObject?> data, CancellationToken cancellationToken)
        where TCall : IPendingCall
    {
        var limits = _limits();
        if (!TryEnter(limits))
        {
            return Rejected(tenantId, limits);
        }

        try
        {
            using var timeout = new CancellationTokenSource(limits.InvocationTimeout, options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var scope = new InvocationScope(linked.Token, limits, secretsRead);
            InvocationScope.Current = scope;
            var budget = new ExecutionBudget(limits.InvocationTimeout, cancellationToken);
            ConnectorCheckpoint.Budget = budget;

            var call = start(linked.Token);
            start = null!;
            var (outcome, error, retryAfter) = await RunAsync(call, budget, limits, timeout, cancellationToken).ConfigureAwait(false);
            budget.End();
            EndOf(linked);
            return new InvocationResult(outcome, scope.Log, error is null ? null : scope.Redact(error), outcome == InvocationStatus.Succeeded ? data(call) : null)
            {
                RetryAfter = retryAfter,
            };
        }
        finally
        {
            start = null!;
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>
    /// Cancels the invocation's token once its call has returned, so engine work the call started and did not await (a
    /// fetch, an email render) stops with it, as the spent budget stops tenant code. No tenant callback runs here:
    /// <c>CancellationToken.Register</c> is refused by the policy, and a continuation resumed by it meets the spent budget.
    /// </summary>
    private static void EndOf(CancellationTokenSource invocation) => invocation.Cancel();

    public InvocationResult NotFound(string message) => new(InvocationStatus.NotFound, [], message, null);

    private static InvocationResult Rejected(string tenantId, InvocationLimits limits) =>
        new(InvocationStatus.Rejected, [], LimitMessages.Rejected(tenantId, limits.ConcurrentInvocations), null);

    // Never waits: an overloaded tenant gets its answer at once and holds no worker.
    private bool TryEnter(InvocationLimits limits)
    {
        if (Interlocked.Increment(ref _running) <= limits.ConcurrentInvocations)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        return false;
    }

    private async Task<(InvocationStatus Status, string? Error, TimeSpan? RetryAfter)> RunAsync(IPendingCall call, ExecutionBudget budget, InvocationLimits limits, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        try
        {
            // Instrumented code runs on the caller's thread: its checkpoints end a runaway loop at the deadline. Code without
            // checkpoints (plugins) goes through Task.Run, so one that blocks before its first await cannot block the caller.
            var running = call.RunsInline ? CaptureAsync(call, options) : Task.Run(() => CaptureAsync(call, options), CancellationToken.None);
            var failure = await running.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (failure is null)
            {
                return (InvocationStatus.Succeeded, null, null);
            }

            // The caller gave up: its cancellation, not the connector's exception, is what reaches it.
            cancellationToken.ThrowIfCancellationRequested();

            // A spent budget is the cause, whatever the connector made of the checkpoint's error before it escaped;
            // the first breach names the line that caused it (a later checkpoint, e.g. in a catch block, only repeats it).
            return budget.Breach switch
            {
                { Setting: LimitMessages.InvocationTimeoutSetting } => (InvocationStatus.TimedOut, LimitMessages.TimedOut(limits.InvocationTimeout), null),
                { } breach => (InvocationStatus.Failed, ExceptionDescriber.Describe(breach), null),
                null when timeout.IsCancellationRequested => (InvocationStatus.TimedOut, LimitMessages.TimedOut(limits.InvocationTimeout), null),
                null => (InvocationStatus.Failed, failure.Error, failure.RetryAfter),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (InvocationStatus.TimedOut, LimitMessages.TimedOut(limits.InvocationTimeout), null);
        }
        finally
        {
            call.Release();
        }
    }

    /// <summary>
    /// Runs the call and, if it throws, turns the exception into text while still inside the invocation: reading its message
    /// may run connector code (an override of <see cref="Exception.Message"/>), which must happen under the budget and the
    /// deadline, never on the host's thread after the call. Every exception is caught here, OutOfMemoryException included:
    /// one thrown by tenant code (an array too large to allocate) is the connector's failure, not the host's. A sandboxed
    /// worker, whose heap is capped, asks for it instead: it answers and ends itself, and the host starts a fresh one.
    /// </summary>
    private static async Task<TenantFailure?> CaptureAsync(IPendingCall call, ConnectorEngineOptions options)
    {
        Exception exception;
        try
        {
            await call.RunAsync().ConfigureAwait(false);
            return null;
        }
        catch (Exception thrown)
        {
            if (options.OutOfMemoryEndsTheProcess && ExceptionDescriber.Unwrap(thrown) is OutOfMemoryException)
            {
                throw;
            }

            exception = thrown;
        }

        // Off the caller's thread first: a message getter that spins in code without checkpoints then only runs into the deadline.
        await Task.Yield();
        try
        {
            return new TenantFailure(ExceptionDescriber.Describe(exception), PartnerRetryAfter.From(exception, options.TimeProvider.GetUtcNow()));
        }
        catch (Exception)
        {
            // Only the budget's own checkpoint can still throw here (a message getter ran past the deadline); the breach decides.
            return new TenantFailure(TenantText.Clean(ExceptionDescriber.Unwrap(exception).GetType().Name), null);
        }
    }

    /// <summary>What a failed call left behind: inert text, described inside the invocation.</summary>
    private sealed record TenantFailure(string Error, TimeSpan? RetryAfter);

    private interface IPendingCall
    {
        bool RunsInline { get; }

        Task RunAsync();

        void Release();
    }

    /// <summary>One call of a hook or of <c>SendEmail</c>; releasing it drops the reference to the connector's delegate.</summary>
    private sealed class PendingCall<TInput>(Func<TInput, CancellationToken, Task> hook, TInput e, CancellationToken token, bool runsInline) : IPendingCall
    {
        private Func<TInput, CancellationToken, Task>? _hook = hook;

        public bool RunsInline => runsInline;

        public Task RunAsync() => _hook is { } target ? target(e, token) : Task.CompletedTask;

        public void Release() => _hook = null;
    }

    /// <summary>One Fill call; releasing it drops the reference to the connector's delegate, keeping the result.</summary>
    private sealed class PendingFill(Func<FillRequest, CancellationToken, Task<JsonObject>> fill, FillRequest request, CancellationToken token, bool runsInline) : IPendingCall
    {
        private Func<FillRequest, CancellationToken, Task<JsonObject>>? _fill = fill;

        public bool RunsInline => runsInline;

        public JsonObject? Result { get; private set; }

        public async Task RunAsync()
        {
            if (_fill is { } target)
            {
                // Copied into plain JSON here, under the budget: serializing a JsonValue over a connector's object runs its getters
                // and converters, which must not happen later on a host thread, and the connector keeps no handle on what the host holds.
                Result = FillResults.Inert(await target(request, token).ConfigureAwait(false));
            }
        }

        public void Release() => _fill = null;
    }
}
