using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>
/// Registers OpenTelemetry: traces (HTTP in, ingest, delivery, the hooks' outbound calls without their path, PostgreSQL statements) and metrics. An OTLP exporter
/// is added only when an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>WalletCrew:Telemetry:OtlpEndpoint</c>). Without
/// one, traces still run (they carry each event's <c>traceparent</c> from ingest to the partner's request) but PostgreSQL statements
/// make no spans: Npgsql builds each batch's full text for its span (~9 KB per event), which nothing would read.
/// </summary>
internal static class TelemetryExtensions
{
    // The outbound requests' metric tags kept: none names a host, a path or a query.
    private static readonly string[] HttpClientTags = ["http.request.method", "http.response.status_code", "error.type", "network.protocol.version", "url.scheme"];

    public static IServiceCollection AddWalletCrewTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HostMetrics>();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateSettings(TelemetryOptions.Section);
        services.AddHostedService<QueueMetricsSampler>();
        var exporter = Exporter(configuration);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "wcp"))
            .WithTracing(t =>
            {
                t.AddSource(HostTelemetry.Name).AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag("url.full", WithoutPath(request.RequestUri)));
                if (exporter is not null)
                {
                    t.AddNpgsql();
                }
            })
            .WithMetrics(m => m.AddMeter(HostTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsqlInstrumentation()
                // Tenant code chooses the hosts it fetches: a series per host name (server.address, dns.question.name) grows
                // without bound, and past the SDK's 2,000 series every tenant's data folds into one overflow series.
                .AddView("http.client.*", new MetricStreamConfiguration { TagKeys = HttpClientTags })
                .AddView("dns.*", new MetricStreamConfiguration { TagKeys = ["error.type"] }));
        if (exporter is not null)
        {
            builder.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, exporter);
        }

        return services;
    }

    // A client span's url.full without its path and query: tenant code puts secrets there (a webhook's token in its path),
    // which its log shows as *** and no trace should carry. The span keeps the method, host, port and status.
    private static string? WithoutPath(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) + "/" : null;

    // Read before the host is built (OpenTelemetry's exporter is set up with the services), so checked here, naming the key.
    private static Uri? Exporter(IConfiguration configuration)
    {
        var (key, endpoint) = configuration[$"{TelemetryOptions.Section}:OtlpEndpoint"] is { } configured
            ? ($"{TelemetryOptions.Section}:OtlpEndpoint", configured)
            : ("OTEL_EXPORTER_OTLP_ENDPOINT", configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new OptionsValidationException(key, typeof(TelemetryOptions), [$"{key} is '{endpoint}'; it must be an absolute http or https address, such as http://collector:4317."]);
    }
}
