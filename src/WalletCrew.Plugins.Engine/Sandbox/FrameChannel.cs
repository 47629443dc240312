using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Length-prefixed frames over a pair of streams: a 4-byte little-endian length, then one <see cref="WorkerMessage"/> as
/// UTF-8 JSON. Reads are bounded: a frame over <c>maxFrameBytes</c> or one that does not parse ends the channel with
/// <see cref="InvalidDataException"/>, so a hostile peer can never make its reader allocate without bound.
/// </summary>
/// <remarks>
/// Reads run on a thread of the channel's own, in blocking reads: a frame's arrival wakes that thread and nothing else,
/// where an asynchronous read wakes the runtime's I/O thread, which then wakes a pool thread to run the read's
/// continuation (two wake-ups per frame instead of one, on each side of every crossing; benchmarks.md §6).
/// </remarks>
/// <param name="blockingWrites">Whether a write blocks until the bytes are in the pipe (the worker's side, whose reader, the
/// host's channel thread, never stops draining) instead of going through the stream's asynchronous write.</param>
internal sealed class FrameChannel(Stream input, Stream output, int maxFrameBytes, bool blockingWrites = false)
{
    private const int ReadBufferBytes = 64 * 1024;

    /// <summary>A serializing buffer that grew past this is dropped after its frame instead of kept for the next.</summary>
    private const int KeptWriteBufferBytes = 256 * 1024;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ArrayBufferWriter<byte> _frame = new(1024);
    private Utf8JsonWriter? _json;
    private byte[] _readBuffer = new byte[ReadBufferBytes];

    /// <summary>Gets the size of the last frame read, its header left out; read on the reading thread, as its message is handled.</summary>
    public int LastFrameBytes { get; private set; }
    private int _start;
    private int _end;

    /// <summary>Reads frames until the peer closes its end, handing each to <paramref name="onMessage"/> on the channel's reading thread.</summary>
    /// <remarks><paramref name="cancellationToken"/> is looked at between frames; a read in progress ends when the peer closes its end.</remarks>
    /// <exception cref="InvalidDataException">A frame is oversized, truncated or not a message.</exception>
    public Task ReadAllAsync(Action<WorkerMessage> onMessage, CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (ReadFrame() is { } message)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    onMessage(message);
                }

                ended.TrySetResult();
            }
            catch (Exception exception)
            {
                ended.TrySetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "wcp channel reader",
        };
        thread.UnsafeStart();
        return ended.Task;
    }

    /// <summary>Writes one frame, header and payload in one write; concurrent writers take turns.</summary>
    public async Task WriteAsync(WorkerMessage message, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One buffer and one JSON writer per channel, reused under the gate: a frame allocates nothing of its own.
            var frame = _frame;
            frame.ResetWrittenCount();
            frame.GetSpan(4);
            frame.Advance(4);
            if (_json is null)
            {
                _json = new Utf8JsonWriter(frame);
            }
            else
            {
                _json.Reset(frame);
            }

            JsonSerializer.Serialize(_json, message, WorkerJson.Default.WorkerMessage);
            _json.Flush();
            var length = frame.WrittenCount - 4;
            if (length > maxFrameBytes)
            {
                throw new InvalidDataException($"A {message.GetType().Name} of {length} bytes is over the channel's frame limit of {maxFrameBytes} bytes.");
            }

            BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshal.AsMemory(frame.WrittenMemory).Span, length);
            if (blockingWrites)
            {
                output.Write(frame.WrittenSpan);
            }
            else
            {
                await output.WriteAsync(frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
                output.Flush();
            }
        }
        finally
        {
            if (_frame.Capacity > KeptWriteBufferBytes)
            {
                _frame = new ArrayBufferWriter<byte>(1024);
                _json = null;
            }

            _writeGate.Release();
        }
    }

    /// <summary>Blocks until the next whole frame is in and returns its message; <see langword="null"/> when the peer closed
    /// its end between frames. One reader at a time.</summary>
    /// <exception cref="InvalidDataException">A frame is oversized, truncated or not a message.</exception>
    internal WorkerMessage? ReadFrame()
    {
        while (true)
        {
            var pending = _end - _start;
            var needed = 4;
            if (pending >= 4)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(_readBuffer.AsSpan(_start, 4));
                if (length <= 0 || length > maxFrameBytes)
                {
                    throw new InvalidDataException($"A frame announced {length} bytes; frames are 1 to {maxFrameBytes} bytes.");
                }

                needed = 4 + length;
                if (pending >= needed)
                {
                    var message = Parse(_readBuffer.AsSpan(_start + 4, length));
                    _start += needed;
                    LastFrameBytes = length;
                    return message;
                }
            }

            // Room for the rest of the frame begun: a buffer grown for a large frame is dropped once it is empty; what is left
            // moves to the start; a full buffer is swapped for one twice as large, up to the frame's size (so it grows with
            // the bytes that came, not with what a header announces, and never past the frame limit checked above).
            if (pending == 0 && _readBuffer.Length > ReadBufferBytes)
            {
                (_readBuffer, _start, _end) = (new byte[ReadBufferBytes], 0, 0);
            }
            else if (_start > 0 && (pending == 0 || _start + needed > _readBuffer.Length))
            {
                _readBuffer.AsSpan(_start, pending).CopyTo(_readBuffer);
                (_start, _end) = (0, pending);
            }

            if (_end == _readBuffer.Length)
            {
                var larger = new byte[(int)Math.Min(needed, 2L * _readBuffer.Length)];
                _readBuffer.AsSpan(0, _end).CopyTo(larger);
                _readBuffer = larger;
            }

            var read = input.Read(_readBuffer, _end, _readBuffer.Length - _end);
            if (read == 0)
            {
                if (pending > 0)
                {
                    throw new InvalidDataException($"The channel closed in the middle of a frame ({pending} byte(s) left).");
                }

                return null;
            }

            _end += read;
        }
    }

    private static WorkerMessage Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, WorkerJson.Default.WorkerMessage)
                ?? throw new InvalidDataException("A frame held JSON null instead of a message.");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"A frame is not a valid message: {exception.Message}", exception);
        }
    }
}
