using System.Buffers.Binary;
using System.Text;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Tenant code past the policy writing frames of its own on its worker's channel (the worker's standard output), as a
/// hostile tenant would: the frames, a hook that writes them, and an engine whose policy lets it.
/// </summary>
internal static class ChannelForgery
{
    // A worker's requests are numbered from its load: the load is 1, its first call 2.
    public const long LoadId = 1;
    public const long FirstCallId = 2;

    /// <summary>A sandboxed engine whose policy lets tenant code write to its standard output, the worker's channel.</summary>
    public static EngineHarness Harness(bool checkpoints = true, bool allowLoopback = false) =>
        new(isolation: IsolationMode.Sandbox, checkpoints: checkpoints, allowLoopback: allowLoopback,
            widenPolicy: allow => allow.Types("System", "Console", "Convert").Types("System.IO", "Stream"));

    /// <summary>A pass updater that, called for the pass "forge", writes <paramref name="frames"/> (base64) on its worker's
    /// channel and waits a moment for the host to read them; every call logs <c>done &lt;pass&gt;</c>.</summary>
    public static string Hook(string frames) => $$"""
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
        {
            if (passId == "forge")
            {
                var o = Console.OpenStandardOutput();
                o.Write(Convert.FromBase64String("{{frames}}"));
                o.Flush();
                await Task.Delay(1_000);
            }
            console.log("done " + passId);
        }) });
        """;

    /// <summary>A pass updater that writes the frames its pass id carries (base64) and waits a moment: one worker, forged
    /// calls that differ from call to call.</summary>
    public const string PassIdHook = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
        {
            var frames = Convert.FromBase64String(passId);
            var o = Console.OpenStandardOutput();
            o.Write(frames, 0, frames.Length);
            o.Flush();
            await Task.Delay(500);
            console.log("done");
        }) });
        """;

    /// <summary>Frames of raw JSON payloads, in base64: messages the serializer would not write (a field missing, a null
    /// where its type has none).</summary>
    public static string RawFrames(params string[] payloads)
    {
        var frames = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var payload in payloads)
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            frames.Write(length);
            frames.Write(bytes);
        }

        return Convert.ToBase64String(frames.ToArray());
    }

    /// <summary>Forged messages as the channel's frames, in base64.</summary>
    public static async Task<string> FramesAsync(params IEnumerable<WorkerMessage> forged)
    {
        var frames = new MemoryStream();
        var writer = new FrameChannel(Stream.Null, frames, WorkerLoop.MaxFrameBytes);
        foreach (var message in forged)
        {
            await writer.WriteAsync(message);
        }

        return Convert.ToBase64String(frames.ToArray());
    }
}
