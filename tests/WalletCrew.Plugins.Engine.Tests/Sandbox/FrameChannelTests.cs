using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipes;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The channel's framing over a real pipe, in both ways of reading (a thread of the channel's own, and the worker's pool
/// thread that runs each message itself): frames of every size around the read buffer's arrive whole, and a frame over the
/// limit or cut short ends the channel with <see cref="InvalidDataException"/>; messages run on the reading thread, and one
/// that blocks it has the reading taken over.
/// </summary>
public sealed class FrameChannelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FramesOfEverySizeArriveWhole(bool inline)
    {
        int[] sizes = [0, 1, 65_000, 65_536, 65_537, 200_000, 3 * 1024 * 1024, 10];
        using var pipe = new Pipe();
        var received = new ConcurrentBag<FetchReply>();
        var reader = new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes);
        var reading = inline
            ? InlineFrameReader.ReadAllAsync(reader, message => received.Add((FetchReply)message), WorkerLoop.HandOnAfter)
            : reader.ReadAllAsync(message => received.Add((FetchReply)message), CancellationToken.None);

        var writer = new FrameChannel(Stream.Null, pipe.Out, WorkerLoop.MaxFrameBytes);
        for (var i = 0; i < sizes.Length; i++)
        {
            await writer.WriteAsync(new FetchReply(i, 200, null, [], Body(sizes[i], seed: i), null));
        }

        pipe.Out.Dispose();
        await reading.WaitAsync(Patience);

        received.Select(r => r.Id).Should().BeEquivalentTo(Enumerable.Range(0, sizes.Length).Select(i => (long)i));
        foreach (var reply in received)
        {
            reply.Body.Should().Equal(Body(sizes[reply.Id], seed: (int)reply.Id));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFrameOverTheLimitEndsTheChannel(bool inline)
    {
        using var pipe = new Pipe();
        var received = new ConcurrentBag<WorkerMessage>();
        var reader = new FrameChannel(pipe.In, Stream.Null, maxFrameBytes: 1024);
        var reading = inline ? InlineFrameReader.ReadAllAsync(reader, received.Add, WorkerLoop.HandOnAfter) : reader.ReadAllAsync(received.Add, CancellationToken.None);

        // The control: a frame within the limit is read.
        await new FrameChannel(Stream.Null, pipe.Out, maxFrameBytes: 1024).WriteAsync(new SecretReply(1, "value"));
        pipe.Out.Write(Header(1025));
        pipe.Out.Write(new byte[1025]);

        var act = () => reading.WaitAsync(Patience);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*announced 1025 bytes*");
        received.Should().ContainSingle().Which.Should().Be(new SecretReply(1, "value"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFrameCutShortEndsTheChannel(bool inline)
    {
        using var pipe = new Pipe();
        var reader = new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes);
        var reading = inline ? InlineFrameReader.ReadAllAsync(reader, _ => { }, WorkerLoop.HandOnAfter) : reader.ReadAllAsync(_ => { }, CancellationToken.None);

        pipe.Out.Write(Header(1024 * 1024));
        pipe.Out.Write(new byte[300_000]);
        pipe.Out.Dispose();

        var act = () => reading.WaitAsync(Patience);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*middle of a frame (300004 byte(s) left)*");
    }

    [Fact]
    public async Task MessagesRunOnTheThreadThatReadThem()
    {
        using var pipe = new Pipe();
        var threads = new ConcurrentQueue<int>();
        var reading = InlineFrameReader.ReadAllAsync(new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes), _ => threads.Enqueue(Environment.CurrentManagedThreadId), WorkerLoop.HandOnAfter);

        var writer = new FrameChannel(Stream.Null, pipe.Out, WorkerLoop.MaxFrameBytes);
        for (var i = 0; i < 200; i++)
        {
            await writer.WriteAsync(new SecretReply(i, "value"));
        }

        pipe.Out.Dispose();
        await reading.WaitAsync(Patience);

        // A message hands the reading on only when it holds the thread for a whole period (a stalled machine may cause one).
        var ids = threads.ToArray();
        ids.Should().HaveCount(200);
        ids.Zip(ids.Skip(1)).Count(pair => pair.First != pair.Second).Should().BeLessThan(10, "each message runs on the thread that read it, waking no other");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AMessageThatBlocksItsThreadHasTheReadingTakenOver(bool inline)
    {
        // The first message blocks until the second has been received: only a reader that hands the reading on gets there.
        // The control: the channel's own thread, which never hands on, is still blocked when the wait gives up.
        using var pipe = new Pipe();
        using var second = new ManualResetEventSlim();
        var firstSawSecond = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = inline ? Patience : TimeSpan.FromSeconds(1);
        void OnMessage(WorkerMessage message)
        {
            if (message.Id == 1)
            {
                firstSawSecond.TrySetResult(second.Wait(wait));
            }
            else
            {
                second.Set();
            }
        }

        var reader = new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes);
        var reading = inline ? InlineFrameReader.ReadAllAsync(reader, OnMessage, WorkerLoop.HandOnAfter) : reader.ReadAllAsync(OnMessage, CancellationToken.None);
        var writer = new FrameChannel(Stream.Null, pipe.Out, WorkerLoop.MaxFrameBytes);
        await writer.WriteAsync(new SecretReply(1, "blocks"));
        await writer.WriteAsync(new SecretReply(2, "releases"));

        (await firstSawSecond.Task.WaitAsync(Patience)).Should().Be(inline);
        pipe.Out.Dispose();
        await reading.WaitAsync(Patience);
    }

    private static byte[] Body(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        return body;
    }

    private static byte[] Header(int length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, length);
        return header;
    }

    /// <summary>An anonymous pipe, as between the host and a worker: <see cref="Out"/> writes what <see cref="In"/> reads.</summary>
    private sealed class Pipe : IDisposable
    {
        private readonly AnonymousPipeServerStream _server = new(PipeDirection.Out);

        public Pipe() => In = new AnonymousPipeClientStream(PipeDirection.In, _server.ClientSafePipeHandle);

        public Stream In { get; }

        public Stream Out => _server;

        public void Dispose()
        {
            _server.Dispose();
            In.Dispose();
        }
    }
}
