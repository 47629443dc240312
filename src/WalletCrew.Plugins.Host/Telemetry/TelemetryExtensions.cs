using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>
/// Registers OpenTelemetry: traces (HTTP in, ingest, delivery, the hooks' outbound calls, PostgreSQL statements) and metrics. An OTLP exporter
/// is added only when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>WalletCrew:Telemetry:OtlpEndpoint</c>). Without
/// one, traces still run (they carry each event's <c>traceparent</c> from ingest to the partner's request) but PostgreSQL statements
/// make no spans: Npgsql builds each batch's full text for its span (~9 KB per event), which nothing would read.
/// </summary>
internal static class TelemetryExtensions
{
    public static IServiceCollection AddWalletCrewTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HostMetrics>();
        services.AddHostedService<QueueMetricsSampler>();
        var endpoint = configuration["WalletCrew:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var exporter = string.IsNullOrWhiteSpace(endpoint) ? null : new Uri(endpoint);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "wcp"))
            .WithTracing(t =>
            {
                t.AddSource(HostTelemetry.Name).AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (exporter is not null)
                {
                    t.AddNpgsql();
                }
            })
            .WithMetrics(m => m.AddMeter(HostTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsqlInstrumentation());
        if (exporter is not null)
        {
            builder.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, exporter);
        }

        return services;
    }
}
