using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The worker's one loop: read a frame, do it, write a frame. It loads one tenant's connectors with the in-process engine
/// (from the images the host compiled: the compiler never runs here) and answers invocations; its <c>fetch</c> and secrets
/// are calls back to the host. Requests run concurrently, so a hook's <c>fetch</c> is answered while another hook runs.
/// </summary>
internal sealed class WorkerLoop
{
    /// <summary>The largest frame either side accepts: a 10 MiB body (the highest response limit) encoded, plus headers.</summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>How long a request may hold the channel's reading thread (code that blocks instead of awaiting) before
    /// another thread takes the reading over: between one and two of these.</summary>
    internal static readonly TimeSpan HandOnAfter = TimeSpan.FromMilliseconds(10);

    private readonly FrameChannel _channel;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<WorkerMessage>> _calls = new();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _invocations = new();
    private long _nextCallId;
    private ConnectorEngine? _engine;
    private TenantConnectors? _tenant;

    private WorkerLoop(Stream input, Stream output) => _channel = new FrameChannel(input, output, MaxFrameBytes, blockingWrites: true);

    /// <summary>Runs the worker until the host closes the channel; returns the process exit code.</summary>
    /// <param name="spare">Whether the worker was started as a spare (it practises a load while no tenant has claimed it).</param>
    public static async Task<int> RunAsync(Stream input, Stream output, bool spare = false)
    {
        var loop = new WorkerLoop(input, output);
        WorkerWarmUp.Start(spare);
        try
        {
            await InlineFrameReader.ReadAllAsync(loop._channel, loop.OnMessage, HandOnAfter).ConfigureAwait(false);
            return WorkerExitCodes.Closed;
        }
        catch (InvalidDataException exception)
        {
            await Console.Error.WriteLineAsync($"wcp worker: {exception.Message}").ConfigureAwait(false);
            return WorkerExitCodes.ProtocolError;
        }
    }

    /// <summary>Sends a call to the host and waits for its answer.</summary>
    internal async Task<TReply> CallAsync<TReply>(Func<long, WorkerMessage> create, CancellationToken cancellationToken)
        where TReply : WorkerMessage
    {
        var id = Interlocked.Increment(ref _nextCallId);
        // The answer goes on with the thread that read it (InlineFrameReader): the caller's code runs on, and the reading waits for it.
        var answer = new TaskCompletionSource<WorkerMessage>();
        _calls[id] = answer;
        try
        {
            await _channel.WriteAsync(create(id), CancellationToken.None).ConfigureAwait(false);
            return (TReply)await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    private void OnMessage(WorkerMessage message)
    {
        switch (message)
        {
            case FetchReply or SecretReply:
                if (_calls.TryGetValue(message.Id, out var call))
                {
                    call.TrySetResult(message);
                }

                break;
            case CancelMessage cancel:
                if (_invocations.TryGetValue(cancel.Id, out var invocation))
                {
                    invocation.Cancel();
                }

                break;
            case LoadMessage or ReloadMessage:
                // A load runs the tenant's top-level code and waits for it: off the reading thread, which its calls need.
                ThreadPool.UnsafeQueueUserWorkItem(request => _ = HandleAsync(request), message, preferLocal: false);
                break;
            default:
                // Run on the reading thread until its first await; one that blocks it has the reading taken over (InlineFrameReader).
                _ = HandleAsync(message);
                break;
        }
    }

    private async Task HandleAsync(WorkerMessage message)
    {
        WorkerMessage reply;
        WorkerInvocation.Enter(message.Id, null); // the calls of a load's code name it (an invocation enters its own, with secrets)
        try
        {
            reply = message switch
            {
                LoadMessage load => Load(load),
                ReloadMessage reload => new TenantStateReply(reload.Id, await Tenant(reload).ReloadAsync().ConfigureAwait(false), State()),
                InvokeMessage invoke => await InvokeAsync(invoke, invoke.Secrets, (tenant, token) => tenant.InvokePassUpdatersAsync(WireConversions.FromWire(invoke.Event), token)).ConfigureAwait(false),
                EmailMessage email => await InvokeAsync(email, email.Secrets, (tenant, token) => tenant.SendEmailAsync(WireConversions.FromWire(email.Request), token)).ConfigureAwait(false),
                FillMessage fill => await InvokeAsync(fill, fill.Secrets, (tenant, token) => tenant.FillAsync(fill.Provider, WireConversions.FromWire(fill.Request), token)).ConfigureAwait(false),
                _ => throw new InvalidDataException($"The worker does not take {message.GetType().Name} requests."),
            };
        }
        catch (OutOfMemoryException)
        {
            // The heap is at its hard limit: answer while a little memory is left, then end the process; the host starts a fresh one.
            await _channel.WriteAsync(new InvocationReply(message.Id, InvocationStatus.Failed, SandboxMessages.OutOfMemory, [], null, null, WorkerEnding: true)).ConfigureAwait(false);
            Environment.Exit(WorkerExitCodes.OutOfMemory);
            return;
        }
        catch (Exception exception)
        {
            // A request the worker cannot answer (one sent before the load, an engine fault) ends the worker, saying why: the
            // host then fails every request waiting on it at once, instead of each at its deadline, and starts a fresh one.
            await Console.Error.WriteLineAsync($"wcp worker: {message.GetType().Name} {message.Id} failed: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            Environment.Exit(WorkerExitCodes.RequestFailed);
            return;
        }

        await _channel.WriteAsync(reply).ConfigureAwait(false);
    }

    private TenantStateReply Load(LoadMessage load)
    {
        var settings = load.Settings;
        _engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = new ChannelSecretSource(this),
            HttpHandler = new ChannelHttpHandler(this),
            InvocationTimeout = TimeSpan.FromMilliseconds(settings.InvocationTimeoutMs),
            LoadTimeout = TimeSpan.FromMilliseconds(settings.LoadTimeoutMs),
            OutboundCallsPerInvocation = settings.OutboundCallsPerInvocation,
            ConcurrentInvocations = settings.ConcurrentInvocations,
            LogEntriesPerInvocation = settings.LogEntriesPerInvocation,
            LogBytesPerInvocation = settings.LogBytesPerInvocation,
            LimitMaxima = settings.Maxima,
            CompileCacheDirectory = settings.CacheDirectory,
            CompileCacheBuildKey = settings.CacheBuildKey,
            CompileOnCacheMiss = false,
            Checkpoints = settings.Checkpoints,
            OutOfMemoryEndsTheProcess = true,
        });
        _tenant = _engine.LoadTenant(settings.TenantDirectory);
        return new TenantStateReply(load.Id, true, State());
    }

    /// <returns>The reply; for an invocation the host cancelled, one that says only that the engine is done with it (the host
    /// waits for it to know whether the call's code may still run, not for its result).</returns>
    private async Task<InvocationReply> InvokeAsync(WorkerMessage message, IReadOnlyDictionary<string, string?>? secrets, Func<TenantConnectors, CancellationToken, Task<InvocationResult>> invoke)
    {
        var id = message.Id;
        using var cancellation = new CancellationTokenSource();
        _invocations[id] = cancellation;
        WorkerInvocation.Enter(id, secrets);
        try
        {
            var result = await invoke(Tenant(message), cancellation.Token).ConfigureAwait(false);
            return new InvocationReply(id, result.Status, result.Error, result.Log, result.Data?.ToJsonString(), (long?)result.RetryAfter?.TotalMilliseconds);
        }
        catch (OperationCanceledException exception) when (cancellation.IsCancellationRequested)
        {
            // Code that ended after the cancellation surfaces as ours; the engine's own deadline, which stops it waiting for
            // code that has not ended (ConnectorInvoker), as the deadline's token.
            return new InvocationReply(id, InvocationStatus.Failed, SandboxMessages.CancelledByHost, [], null, null, Cancelled: true,
                Abandoned: exception.CancellationToken != cancellation.Token);
        }
        finally
        {
            WorkerInvocation.Exit();
            _invocations.TryRemove(id, out _);
        }
    }

    private TenantConnectors Tenant(WorkerMessage request) =>
        _tenant ?? throw new InvalidOperationException($"The host sent a {request.GetType().Name} before a LoadMessage: the worker has no tenant loaded.");

    private TenantState State()
    {
        var tenant = _tenant!;
        return new TenantState(tenant.Generation, tenant.Diagnostics, tenant.Connectors, tenant.LoadLog, tenant.PassUpdaterCount, [.. tenant.CustomerProviders], tenant.HasEmailSender);
    }
}
