using System.Collections.Concurrent;
using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The host's end of one worker: its process, its channel and the requests waiting for answers. The host owns the
/// worker's life and trusts nothing it says: a malformed frame, a message only the host may send, resident memory over
/// the limit or a deadline passed all kill it; every request waiting then fails with the reason.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int StderrLinesKept = 20;

    private static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(250);

    private readonly Process _process;
    private readonly WorkerGroup? _group;
    private readonly WorkerUids.Lease? _user;
    private readonly FrameChannel _channel;
    private Func<WorkerMessage, Task<WorkerMessage>> _answerCall;
    private HostCallBounds _bounds;
    private readonly ConcurrentDictionary<long, Request> _pending = new();
    private readonly SemaphoreSlim _fetches = new(EngineDefaults.WorkerConcurrentFetches);
    private readonly StderrTail _stderr;
    private readonly TaskCompletionSource<string> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _watch;
    private readonly long _residentLimitBytes;
    private string? _killReason;
    private long _nextId;
    private int _inFlight;
    private readonly BusyWithoutCallWatch _busyWithoutCall = new();
    private bool _answered;
    private long _requestsAtLastTick;
    private bool _idleAtLastTick;
    private int _watching;

    /// <param name="bounds">What the worker's code may ask of the host for one request of the host's; past it, the worker is killed.</param>
    public WorkerProcess(StartedWorker started, Func<WorkerMessage, Task<WorkerMessage>> answerCall, HostCallBounds bounds, TimeProvider time, SpareSlot? slot = null)
    {
        var process = started.Process;
        _process = process;
        _group = started.Group;
        _user = started.User;
        ProcessId = process.Id;
        Slot = slot;
        _answerCall = answerCall;
        _bounds = bounds;
        _residentLimitBytes = started.MemoryLimitBytes;
        _channel = new FrameChannel(process.StandardOutput.BaseStream, process.StandardInput.BaseStream, WorkerLoop.MaxFrameBytes);
        _stderr = new StderrTail(process.StandardError.BaseStream, StderrLinesKept, () => Kill(SandboxMessages.StderrOverflow));
        _ = Task.Run(ReadAsync);
        _watch = time.CreateTimer(_ => Watch(), null, WatchPeriod, WatchPeriod);
    }

    /// <summary>Gets the folders a spare worker was started with (filled by the tenant that claimed it), or <see langword="null"/>
    /// for a worker started for its tenant (whose folders are bound directly).</summary>
    public SpareSlot? Slot { get; }

    /// <summary>Gets when the worker's process was started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Hands a spare to the tenant that claimed it: from now on its calls back are that tenant's.</summary>
    public void Claim(Func<WorkerMessage, Task<WorkerMessage>> answerCall, HostCallBounds bounds)
    {
        Volatile.Write(ref _bounds, bounds);
        Volatile.Write(ref _answerCall, answerCall);
    }

    /// <summary>Gets the sandbox's outermost process id (bubblewrap's).</summary>
    public int ProcessId { get; }

    /// <summary>Gets a task that completes, with the reason, when the worker has ended.</summary>
    public Task<string> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Gets the requests sent and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets when the worker last answered or was sent a request.</summary>
    public long LastUsedTimestamp { get; private set; } = Stopwatch.GetTimestamp();

    /// <summary>Sends a request and waits for its answer; <paramref name="cancellationToken"/> ends the wait for either.
    /// <paramref name="create"/> runs before this method first waits (unless the worker has ended), so a message sent after it
    /// returns follows the request on the channel.</summary>
    /// <exception cref="WorkerExitedException">The worker ended first.</exception>
    public async Task<TReply> RequestAsync<TReply>(Func<long, WorkerMessage> create, CancellationToken cancellationToken)
        where TReply : WorkerMessage
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new Request(typeof(TReply));
        _pending[id] = request;
        Interlocked.Increment(ref _inFlight);
        LastUsedTimestamp = Stopwatch.GetTimestamp();
        try
        {
            if (HasExited)
            {
                throw new WorkerExitedException(await Exited.ConfigureAwait(false));
            }

            try
            {
                // The write itself is never cancelled (a frame cut short would break the channel), but waiting for it is: a
                // worker that stops reading fills its pipe, and the deadline must end the request all the same (the caller
                // then kills the worker, which ends the write).
                await _channel.WriteAsync(create(id), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw new WorkerExitedException(await Exited.ConfigureAwait(false));
            }
            catch (InvalidDataException)
            {
                request.Answer.TrySetCanceled(); // refused before a byte of it was written: the worker never sees it
                throw;
            }

            return (TReply)await request.Answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // An answer removed the request when it was read. Past its deadline a request stays pending: the caller kills the
            // worker, and an answer that comes meanwhile is not taken for one to a request never sent.
            if (request.Answer.Task.IsCompleted)
            {
                _pending.TryRemove(id, out _);
            }

            Interlocked.Decrement(ref _inFlight);
            LastUsedTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Sends a message that has no answer (a cancellation); a worker that is gone is ignored.</summary>
    public async Task NotifyAsync(WorkerMessage message)
    {
        try
        {
            await _channel.WriteAsync(message).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Caps the worker's CPU from now on (nothing where it has no CPU group): its start ran on every core it got.</summary>
    /// <exception cref="IOException">The cap could not be written.</exception>
    public void CapCpu() => _group?.CapCpu();

    /// <summary>Kills the worker and everything it started; waiting requests fail with <paramref name="reason"/>.</summary>
    public void Kill(string reason)
    {
        Interlocked.CompareExchange(ref _killReason, reason, null);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Stops the worker as <see cref="Dispose"/> does, recording <paramref name="reason"/> as how it ended.</summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _killReason, reason, null);
        Dispose();
    }

    /// <summary>Closes the channel so the worker ends by itself, then kills it if it has not within a moment.</summary>
    public void Dispose()
    {
        _watch.Dispose();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (!_exited.Task.Wait(TimeSpan.FromSeconds(1)))
        {
            Kill("the host stopped it");
        }

        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await _channel.ReadAllAsync(OnMessage, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Malformed frames, and whatever else stops the reading (a message the types let through that the host's code
            // cannot take: a null in a list): the worker goes, and what it held (its groups, its uid, its slot) with it.
            Kill(SandboxMessages.MalformedFrame);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        await _stderr.WaitReadAsync().ConfigureAwait(false);
        Slot?.Delete();
        var reason = _killReason ?? DescribeExit();
        _group?.Release();
        _user?.Dispose();
        _exited.TrySetResult(reason);
        foreach (var waiting in _pending.Values)
        {
            waiting.Answer.TrySetException(new WorkerExitedException(reason));
        }
    }

    // Not "last used": that is the host's use of the worker (RequestAsync), so a worker that only calls the host is idle.
    private void OnMessage(WorkerMessage message)
    {
        switch (message)
        {
            case TenantStateReply or InvocationReply:
                Volatile.Write(ref _answered, true);

                // Answered here, on the reading thread, not when the waiting caller's code goes on (the pool may be slow to
                // run it): a call back that comes after its request's answer is code that outlived its call.
                if (!_pending.TryGetValue(message.Id, out var waiting))
                {
                    // Every request stays pending until it is answered or its worker is killed: an answer to none (or a
                    // second one) is forged, and answers are read whole, so a worker sending them could keep this thread
                    // busy for as long as it lives.
                    Kill(SandboxMessages.AnswerToNoRequest);
                    break;
                }

                if (message.GetType() != waiting.ReplyType)
                {
                    Kill(SandboxMessages.AnswerOfAnotherKind);
                    break;
                }

                _pending.TryRemove(message.Id, out _); // before its caller hears of it
                waiting.Answer.TrySetResult(message);
                break;
            case IHostCall call when Refusal(call) is { } refusal:
                Kill(refusal);
                break;
            case FetchCall or SecretCall:
                // Started on the reading thread: a secret usually answers at once; a fetch leaves it at its first await.
                _ = AnswerAsync(message);
                break;
            default:
                Kill(SandboxMessages.UnexpectedMessage);
                break;
        }
    }

    /// <summary>Why a call of the worker's is not answered, or <see langword="null"/>: answering every call would let code
    /// past the policy keep the host's reading thread busy without end, after its call (code that outlived it) or during it.</summary>
    private string? Refusal(IHostCall call)
    {
        if (!_pending.TryGetValue(call.InvocationId, out var request))
        {
            return SandboxMessages.CalledWhileIdle;
        }

        return Volatile.Read(ref _bounds).Refusal(call, _channel.LastFrameBytes, ref request.Calls, ref request.Fetches);
    }

    private async Task AnswerAsync(WorkerMessage call)
    {
        try
        {
            // A fetch's turn lasts until its answer is written: a write waits while the worker does not read, and a worker
            // killed meanwhile (at its deadline) fails it, which ends the turn.
            var fetch = call is FetchCall;
            if (fetch)
            {
                await _fetches.WaitAsync().ConfigureAwait(false);
            }

            try
            {
                await NotifyAsync(await Volatile.Read(ref _answerCall)(call).ConfigureAwait(false)).ConfigureAwait(false);
            }
            finally
            {
                if (fetch)
                {
                    _fetches.Release();
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Kill($"the host could not answer its {call.GetType().Name}: {exception.Message}");
        }
    }

    private string DescribeExit()
    {
        var code = _process.ExitCode;
        if (ChildExits.IsStackOverflow(_stderr))
        {
            return $"it crashed with a stack overflow{ChildExits.Detail(_stderr)}";
        }

        if (_group?.RanOutOfMemory == true)
        {
            return SandboxMessages.GroupMemoryLimit(_group.MemoryLimitBytes, _group.WorkersMemoryLimitBytes);
        }

        if (code != WorkerExitCodes.Closed && _group?.ReachedTaskLimit == true)
        {
            return SandboxMessages.TaskLimit(ChildExits.Name(code), _group.WorkersTasks, ChildExits.Detail(_stderr));
        }

        if (ChildExits.IsOutOfMemory(code, _stderr))
        {
            return SandboxMessages.OutOfMemory;
        }

        return code switch
        {
            WorkerExitCodes.Closed => "it exited",
            WorkerExitCodes.ProtocolError => "it could not read the host's frames",
            WorkerExitCodes.RequestFailed => $"it could not answer a request{ChildExits.Detail(_stderr)}",
            WorkerExitCodes.MemoryLimitNotSet => $"its memory limit could not be set{ChildExits.Detail(_stderr)}",
            WorkerExitCodes.LimitsNotSet => $"its limits on open files, queued signals and core dumps could not be set{ChildExits.Detail(_stderr)}",
            WorkerExitCodes.TaskLimitNotSet => $"its limit on threads and processes could not be set{ChildExits.Detail(_stderr)}",
            WorkerExitCodes.GroupNotJoined => $"it could not join its control groups{ChildExits.Detail(_stderr)}",
            WorkerExitCodes.SeccompNotOpened => $"its seccomp filter could not be opened{ChildExits.Detail(_stderr)}",
            _ => $"it crashed ({ChildExits.Name(code)}){ChildExits.Detail(_stderr)}",
        };
    }

    private void Watch()
    {
        // One tick at a time (a slow one must not overlap the next: the CPU watch keeps state between ticks).
        if (HasExited || Interlocked.Exchange(ref _watching, 1) == 1)
        {
            return;
        }

        try
        {
            var usage = ProcessTree.Usage(_process.Id);
            if (usage.ResidentBytes > _residentLimitBytes)
            {
                Kill(SandboxMessages.MemoryLimit(usage.ResidentBytes, _residentLimitBytes));
            }

            WatchBusyWithoutCall(usage.CpuTime);
        }
        finally
        {
            Volatile.Write(ref _watching, 0);
        }
    }

    /// <summary>Kills a worker that keeps a core busy with no request of the host's running (<see cref="BusyWithoutCallWatch"/>),
    /// watched from its first answer on: a worker's start and a spare's practice load are its own work.</summary>
    private void WatchBusyWithoutCall(TimeSpan cpu)
    {
        var requests = Volatile.Read(ref _nextId);
        var idle = Volatile.Read(ref _answered) && _pending.IsEmpty && requests == _requestsAtLastTick && _idleAtLastTick;
        (_requestsAtLastTick, _idleAtLastTick) = (requests, _pending.IsEmpty);
        if (_busyWithoutCall.Tick(cpu, idle))
        {
            Kill(SandboxMessages.BusyWithoutCall);
        }
    }

    /// <summary>A request sent and not yet answered, and how many calls the worker has made for it.</summary>
    private sealed class Request(Type replyType)
    {
        public TaskCompletionSource<WorkerMessage> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets the kind of message that answers this request (a load's account, an invocation's result).</summary>
        public Type ReplyType => replyType;

        public int Calls;

        public int Fetches;
    }
}
