using System.Buffers;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Prepares the call path of a starting worker on a second core while the first loads the tenant: the channel's
/// serializer for the messages of a call (an event in, a result, a fetch and a secret out) is generic code the runtime
/// compiles on first use, so the first call would otherwise pay for it after the load.
/// </summary>
internal static class WorkerWarmUp
{
    public static void Start() => ThreadPool.UnsafeQueueUserWorkItem(_ => Run(), null);

    private static void Run()
    {
        var sample = new EventData("evt", "tenant", "pass", "type", new Dictionary<string, string> { ["k"] = "v" }, Device.Apple, true, 1, 1,
            ["tag"], "medium", "origin", "agent", DateTimeOffset.UnixEpoch, 1);
        WorkerMessage[] messages =
        [
            new InvokeMessage(1, sample, new Dictionary<string, string?> { ["name"] = "value" }),
            new FillMessage(1, "provider", new FillData("tenant", "pass", "type", new Dictionary<string, string>(), "{}")),
            new InvocationReply(1, InvocationStatus.Succeeded, null, [new TenantLogEntry(Microsoft.Extensions.Logging.LogLevel.Information, "log")], "{}", null),
            new FetchCall(1, 1, "GET", "https://example.invalid/", [new HeaderData("a", "b")], [1]),
            new FetchReply(1, 200, "OK", [new HeaderData("a", "b")], [1], null),
            new SecretCall(1, "name"),
            new SecretReply(1, "value"),
            new CancelMessage(1),
        ];
        var buffer = new ArrayBufferWriter<byte>(1024);
        foreach (var message in messages)
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, message, WorkerJson.Default.WorkerMessage);
            }

            var reader = new Utf8JsonReader(buffer.WrittenSpan);
            JsonSerializer.Deserialize(ref reader, WorkerJson.Default.WorkerMessage);
        }
    }
}
