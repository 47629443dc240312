using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipes;
using WalletCrew.Plugins.Engine.Sandbox;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// The channel's framing over a real pipe, in both ways of reading (a thread of the channel's own, and pool threads
/// taking turns): frames of every size around the read buffer's arrive whole, and a frame over the limit or cut short
/// ends the channel with <see cref="InvalidDataException"/>.
/// </summary>
public sealed class FrameChannelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FramesOfEverySizeArriveWhole(bool handingOn)
    {
        int[] sizes = [0, 1, 65_000, 65_536, 65_537, 200_000, 3 * 1024 * 1024, 10];
        using var pipe = new Pipe();
        var received = new ConcurrentBag<FetchReply>();
        var reader = new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes);
        var reading = handingOn
            ? reader.ReadAllHandingOnAsync(message => received.Add((FetchReply)message))
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
    public async Task AFrameOverTheLimitEndsTheChannel(bool handingOn)
    {
        using var pipe = new Pipe();
        var received = new ConcurrentBag<WorkerMessage>();
        var reader = new FrameChannel(pipe.In, Stream.Null, maxFrameBytes: 1024);
        var reading = handingOn ? reader.ReadAllHandingOnAsync(received.Add) : reader.ReadAllAsync(received.Add, CancellationToken.None);

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
    public async Task AFrameCutShortEndsTheChannel(bool handingOn)
    {
        using var pipe = new Pipe();
        var reader = new FrameChannel(pipe.In, Stream.Null, WorkerLoop.MaxFrameBytes);
        var reading = handingOn ? reader.ReadAllHandingOnAsync(_ => { }) : reader.ReadAllAsync(_ => { }, CancellationToken.None);

        pipe.Out.Write(Header(1024 * 1024));
        pipe.Out.Write(new byte[300_000]);
        pipe.Out.Dispose();

        var act = () => reading.WaitAsync(Patience);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*middle of a frame (300004 byte(s) left)*");
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
