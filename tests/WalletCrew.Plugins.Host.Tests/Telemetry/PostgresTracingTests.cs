using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Telemetry;

/// <summary>
/// On PostgreSQL, with an OTLP exporter configured, the ingest trace carries the store's statements as spans (Npgsql's
/// OpenTelemetry instrumentation); without one, Npgsql makes no span at all (it would build each batch's text for nothing).
/// </summary>
public sealed class PostgresTracingTests
{
    private const string TraceId = "5bf92f3577b34da6a3ce929d0e0e4737";

    [Fact]
    public async Task WithAnExporterTheIngestTraceIncludesTheDatabaseStatements()
    {
        // Nothing listens there: the exporter's sends fail quietly, the spans are made all the same.
        var statements = await IngestTracedAsync([$"--WalletCrew:Telemetry:OtlpEndpoint=http://127.0.0.1:{LoopbackPorts.Closed()}"]);

        statements.Where(a => a.TraceId.ToHexString() == TraceId).Should().NotBeEmpty("the ingest transaction's statements are spans of the caller's trace");
    }

    [Fact]
    public async Task WithoutAnExporterNpgsqlMakesNoSpan()
    {
        var statements = await IngestTracedAsync([]);

        statements.Should().BeEmpty("no exporter would read them");
    }


    private static async Task<IReadOnlyList<Activity>> IngestTracedAsync(string[] args)
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var configuration = new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" };
        await using var host = await HostHarness.StartAsync(root, configuration, store: database.Store, args: args);
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
        using (new Activity("caller").SetParentId($"00-{TraceId}-00f067aa0ba902b7-01").Start())
        {
            (status, _) = await host.IngestAsync("acme", "P1");
        }

        status.Should().Be(HttpStatusCode.Accepted);
        return [.. statements];
    }
}
