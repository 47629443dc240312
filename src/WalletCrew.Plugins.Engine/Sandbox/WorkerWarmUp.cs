using System.Buffers;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Prepares the call path of a starting worker on a second core while the first loads the tenant: the channel's
/// serializer for the messages of a call (an event in, a result, a fetch and a secret out) is generic code the runtime
/// compiles on first use, so the first call would otherwise pay for it after the load. A spare worker, which has time
/// before any tenant claims it, also practises the load itself: the load's messages, and the engine loading an empty
/// tenant of its own in the worker's private /tmp (nothing of any tenant's; see <see cref="SpareSlot"/>).
/// </summary>
internal static class WorkerWarmUp
{
    /// <summary>The worker program's argument that starts it as a spare.</summary>
    public const string SpareMode = "spare";

    public static void Start(bool spare) => ThreadPool.UnsafeQueueUserWorkItem(_ =>
    {
        Run();
        if (spare)
        {
            try
            {
                PractiseLoad();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Practice only: the tenant's own load reports what goes wrong with it.
            }
        }
    }, null);

    private static void PractiseLoad()
    {
        var root = Directory.CreateTempSubdirectory("wcp-warm-up-").FullName;
        try
        {
            var tenant = Path.Combine(root, "warm-up");
            Directory.CreateDirectory(TenantLayout.PathOf(tenant, TenantLayout.Scripts));
            using var engine = new ConnectorEngine(new ConnectorEngineOptions { CompileCacheDirectory = root, CompileOnCacheMiss = false });
            using var loaded = engine.LoadTenant(tenant, watch: false);
            var state = new TenantState(loaded.Generation, loaded.Diagnostics, loaded.Connectors, loaded.LoadLog, loaded.PassUpdaterCount, [.. loaded.CustomerProviders], loaded.HasEmailSender);
            RoundTrip(new TenantStateReply(1, true, state));
            RoundTrip(new LoadMessage(1, new WorkerSettings("/tenants/warm-up", "/cache", "key", true, 1, 1, 1, 1, 1, 1, new LimitMaxima())));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

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
            new SecretCall(1, 1, "name"),
            new SecretReply(1, "value"),
            new CancelMessage(1),
        ];
        foreach (var message in messages)
        {
            RoundTrip(message);
        }
    }

    private static void RoundTrip(WorkerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, message, WorkerJson.Default.WorkerMessage);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        JsonSerializer.Deserialize(ref reader, WorkerJson.Default.WorkerMessage);
    }
}
