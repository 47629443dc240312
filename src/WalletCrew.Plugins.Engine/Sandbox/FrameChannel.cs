using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Length-prefixed frames over a pair of streams: a 4-byte little-endian length, then one <see cref="WorkerMessage"/> as
/// UTF-8 JSON. Reads are bounded: a frame over <c>maxFrameBytes</c> or one that does not parse ends the channel with
/// <see cref="InvalidDataException"/>, so a hostile peer can never make its reader allocate without bound.
/// </summary>
internal sealed class FrameChannel(Stream input, Stream output, int maxFrameBytes)
{
    private readonly PipeReader _reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Reads frames until the peer closes its end, handing each to <paramref name="onMessage"/> on the reading thread.</summary>
    /// <exception cref="InvalidDataException">A frame is oversized, truncated or not a message.</exception>
    public async Task ReadAllAsync(Action<WorkerMessage> onMessage, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            while (TryReadFrame(ref buffer, out var message))
            {
                onMessage(message);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new InvalidDataException($"The channel closed in the middle of a frame ({buffer.Length} byte(s) left).");
                }

                return;
            }
        }
    }

    /// <summary>Writes one frame, header and payload in one write; concurrent writers take turns.</summary>
    public async Task WriteAsync(WorkerMessage message, CancellationToken cancellationToken = default)
    {
        var frame = new ArrayBufferWriter<byte>(256);
        frame.Advance(4);
        using (var json = new Utf8JsonWriter(frame))
        {
            JsonSerializer.Serialize(json, message, WorkerJson.Default.WorkerMessage);
        }

        var length = frame.WrittenCount - 4;
        if (length > maxFrameBytes)
        {
            throw new InvalidDataException($"A {message.GetType().Name} of {length} bytes is over the channel's frame limit of {maxFrameBytes} bytes.");
        }

        var bytes = MemoryMarshal.AsMemory(frame.WrittenMemory);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.Span, length);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out WorkerMessage message)
    {
        message = null!;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > maxFrameBytes)
        {
            throw new InvalidDataException($"A frame announced {length} bytes; frames are 1 to {maxFrameBytes} bytes.");
        }

        if (buffer.Length < 4L + length)
        {
            return false;
        }

        var payload = buffer.Slice(4, length);
        try
        {
            var reader = new Utf8JsonReader(payload);
            message = JsonSerializer.Deserialize(ref reader, WorkerJson.Default.WorkerMessage)
                ?? throw new InvalidDataException("A frame held JSON null instead of a message.");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"A frame is not a valid message: {exception.Message}", exception);
        }

        buffer = buffer.Slice(payload.End);
        return true;
    }
}
