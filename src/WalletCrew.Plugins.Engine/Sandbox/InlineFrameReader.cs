namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Reads a channel's frames on one pool thread at a time, which runs each message itself: a request and the answers to its
/// calls back go on with the thread that received them, and no other thread is woken per frame (the cost of a crossing on
/// an idle machine is its wake-ups, benchmarks.md §6). A message that holds the reading thread for a whole
/// <c>handOnAfter</c> period (code that blocks instead of awaiting) has the reading taken over by another pool thread, so
/// the channel waits at most two periods on what a message runs.
/// </summary>
/// <remarks>
/// The state is one counter: even while a thread reads, odd while the reading thread runs a message, and raised by every
/// message, so a watch that sees the same odd value on two ticks knows one message has run for a whole period; it then
/// makes the counter even (the new reader's) and the thread running the message, finding its value gone, stops reading
/// when the message returns. The watch's timer runs only while messages come, so an idle worker is never woken.
/// </remarks>
internal sealed class InlineFrameReader
{
    /// <summary>Ticks without a message before the watch stops its timer: ten, so a worker called now and then pays at
    /// most ten ticks per call (a restart costs about one), and many such workers do not keep the host's cores awake.</summary>
    private const int QuietTicksBeforeSleep = 10;

    private readonly FrameChannel _channel;
    private readonly Action<WorkerMessage> _onMessage;
    private readonly TimeSpan _period;
    private readonly ITimer _watch;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _state;
    private long _seen = -1;
    private int _watching;
    private int _quietTicks;

    private InlineFrameReader(FrameChannel channel, Action<WorkerMessage> onMessage, TimeSpan handOnAfter)
    {
        _channel = channel;
        _onMessage = onMessage;
        _period = handOnAfter;
        _watch = TimeProvider.System.CreateTimer(static reader => ((InlineFrameReader)reader!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Reads frames until the peer closes its end, running <paramref name="onMessage"/> on the reading thread.</summary>
    /// <exception cref="InvalidDataException">A frame is oversized, truncated or not a message.</exception>
    public static Task ReadAllAsync(FrameChannel channel, Action<WorkerMessage> onMessage, TimeSpan handOnAfter)
    {
        var reader = new InlineFrameReader(channel, onMessage, handOnAfter);
        reader.HandOn();
        return reader._ended.Task;
    }

    private void HandOn() => ThreadPool.UnsafeQueueUserWorkItem(static reader => reader.Read(), this, preferLocal: false);

    private void Read()
    {
        try
        {
            while (_channel.ReadFrame() is { } message)
            {
                var running = Interlocked.Increment(ref _state);
                Watch();
                _onMessage(message);
                if (Interlocked.CompareExchange(ref _state, running + 1, running) != running)
                {
                    return; // the watch handed the reading on while the message ran
                }
            }

            End(null);
        }
        catch (Exception exception)
        {
            End(exception);
        }
    }

    private void End(Exception? exception)
    {
        _watch.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (exception is null)
        {
            _ended.TrySetResult();
        }
        else
        {
            _ended.TrySetException(exception);
        }
    }

    private void Watch()
    {
        if (Volatile.Read(ref _watching) == 0 && Interlocked.CompareExchange(ref _watching, 1, 0) == 0)
        {
            _quietTicks = 0;
            _watch.Change(_period, _period);
        }
    }

    private void Tick()
    {
        var state = Volatile.Read(ref _state);
        if ((state & 1) == 1)
        {
            _quietTicks = 0;
            if (state == _seen && Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                HandOn();
            }

            _seen = state;
            return;
        }

        if (++_quietTicks < QuietTicksBeforeSleep)
        {
            return;
        }

        // Stopped before it is marked stopped, so a reader that starts it again (after the mark) is never overridden; a
        // message begun meanwhile is seen by the check after the mark, or its reader sees the mark (both are full fences).
        _watch.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _watching, 0);
        if ((Interlocked.Read(ref _state) & 1) == 1)
        {
            Watch();
        }
    }
}
