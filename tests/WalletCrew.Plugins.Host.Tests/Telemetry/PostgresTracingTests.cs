using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Telemetry;

/// <summary>On PostgreSQL the ingest trace carries the store's statements as spans (Npgsql's OpenTelemetry instrumentation).</summary>
public sealed class PostgresTracingTests
{
    [Fact]
    public async Task TheIngestTraceIncludesTheDatabaseStatements()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" }, store: database.Store);
        const string traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
        var statements = new ConcurrentQueue<Activity>();
        // Samples nothing itself: it only sees the spans the host's own tracing asks Npgsql for.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity => statements.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(listener);

        HttpStatusCode status;
        using (new Activity("caller").SetParentId($"00-{traceId}-00f067aa0ba902b7-01").Start())
        {
            (status, _) = await host.IngestAsync("acme", "P1");
        }

        status.Should().Be(HttpStatusCode.Accepted);
        statements.Where(a => a.TraceId.ToHexString() == traceId).Should().NotBeEmpty("the ingest transaction's statements are spans of the caller's trace");
    }
}
