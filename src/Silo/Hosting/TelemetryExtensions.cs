using GridActors.Grains.Telemetry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GridActors.Silo.Hosting;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry, configured the standard way:
/// <c>OTEL_SERVICE_NAME</c>; <c>OTEL_TRACES_EXPORTER</c>, <c>OTEL_METRICS_EXPORTER</c>, <c>OTEL_LOGS_EXPORTER</c>
/// each <c>otlp</c>, <c>console</c> or <c>none</c> (a comma list is allowed); <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> for OTLP. When an exporter variable is unset the default is <c>otlp</c> if an
/// OTLP endpoint is set and <c>none</c> otherwise, so a machine with no collector does not retry one forever.
/// Metrics are also served for Prometheus at <c>/metrics</c>.
/// </summary>
public static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddGridActorsTelemetry(this IHostApplicationBuilder builder, string defaultServiceName)
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : defaultServiceName;
        var traces = Exporters(configuration, "OTEL_TRACES_EXPORTER");
        var metrics = Exporters(configuration, "OTEL_METRICS_EXPORTER");
        var logs = Exporters(configuration, "OTEL_LOGS_EXPORTER");

        // Logs carry the trace and span ids of the request or grain call that wrote them.
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.AddSimpleConsole(options => options.IncludeScopes = true);
        if (logs.Count > 0)
        {
            builder.Logging.AddOpenTelemetry(options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
                if (logs.Contains("otlp"))
                {
                    options.AddOtlpExporter();
                }
                if (logs.Contains("console"))
                {
                    options.AddConsoleExporter();
                }
            });
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                // Stream queues are polled every few milliseconds and grain timers tick on their own; as roots those
                // spans would drown every trace worth reading, so they (and what they start) are not recorded.
                tracing.SetSampler(new ParentBasedSampler(new SkipPollingSampler()));
                tracing.AddSource(GridTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage", "Microsoft.Orleans.Lifecycle")
                    .AddAspNetCoreInstrumentation(options => options.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation();
                if (traces.Contains("otlp"))
                {
                    tracing.AddOtlpExporter();
                }
                if (traces.Contains("console"))
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(meters =>
            {
                meters.AddMeter(GridTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (metrics.Contains("otlp"))
                {
                    meters.AddOtlpExporter();
                }
                if (metrics.Contains("console"))
                {
                    meters.AddConsoleExporter();
                }
            });
        return builder;
    }

    /// <summary>Serves the metrics in Prometheus' text format at <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapGridActorsMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }

    private static HashSet<string> Exporters(IConfiguration configuration, string variable)
    {
        var value = configuration[variable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ? [] : ["otlp"];
        }
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v.ToLowerInvariant()).ToHashSet();
        names.Remove("none");
        return names;
    }
}

/// <summary>Drops root spans of Orleans' own polling (stream queue reads, grain timer ticks); keeps everything else.</summary>
internal sealed class SkipPollingSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Name is "IMemoryStreamQueueGrain/Dequeue" or "IGrainTimerInvoker/InvokeCallbackAsync" ? Skip : Keep;
}
