using System.Globalization;
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
/// <c>OTEL_TRACES_SAMPLER</c> (<c>always_on</c>, <c>always_off</c>, <c>traceidratio</c> and their <c>parentbased_</c>
/// forms) with <c>OTEL_TRACES_SAMPLER_ARG</c> (the ratio) choose which traces are recorded; the default records every
/// trace when a trace exporter is configured and none otherwise, because a span nobody exports only costs time on
/// every request and grain call. Metrics are also served for Prometheus at <c>/metrics</c>.
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
        builder.Logging.AddGridActorsLogDefaults();
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

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        // With no trace exporter and no sampler asked for, nothing listens to the activity sources at all: requests and
        // grain calls then create no spans (a sampler that drops them still leaves each one created, for propagation).
        if (TracingEnabled(configuration))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.SetSampler(new SkipPollingSampler(TraceSampler(configuration)));
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
            });
        }

        telemetry.WithMetrics(meters =>
        {
            // ASP.NET Core's request durations and Kestrel's connections, not every meter AddAspNetCoreInstrumentation
            // brings (routing, authentication, rate-limiter leases, memory pool): those record on every request and
            // cost 4 % of a grid read's CPU (perf, BENCHMARKS.md) for figures nobody alerts on.
            meters.AddMeter(GridTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
                .AddPrometheusExporter();
            // Orleans records these on every message or grain call; aggregated here they cost 15 % of a grid read's CPU
            // (BENCHMARKS.md). Requests are timed at the HTTP edge and storage per operation; activations, the
            // directory's size, pings, reminders and streams stay.
            foreach (var instrument in PerCallOrleansInstruments)
            {
                meters.AddView(instrument, MetricStreamConfiguration.Drop);
            }
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

    /// <summary>
    /// Whether this process records traces: a trace exporter is configured (<c>OTEL_TRACES_EXPORTER</c>, or an OTLP
    /// endpoint) or a sampler is named (<c>OTEL_TRACES_SAMPLER</c>). Only then do grain calls carry the trace context
    /// (Orleans' activity propagation): with nobody recording, the filters it adds to every call find no trace to pass
    /// on and only cost time (9 % of a grid read's CPU, docs/operations.md).
    /// </summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        Exporters(configuration, "OTEL_TRACES_EXPORTER").Count > 0 || !string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]);

    /// <summary>Orleans instruments recorded per message, lookup or grain call, not exported.</summary>
    private static readonly string[] PerCallOrleansInstruments =
    [
        "orleans-app-requests-latency",
        "orleans-messaging-sent-local",
        "orleans-messaging-sent-messages-size",
        "orleans-messaging-received-messages-size",
        "orleans-messaging-sent-header-size",
        "orleans-messaging-received-header-size",
        "orleans-messaging-processing-*",
        "orleans-directory-lookups-*",
        "orleans-gateway-received",
        "orleans-gateway-sent",
    ];

    /// <summary>Serves the metrics in Prometheus' text format at <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapGridActorsMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }

    /// <summary>The sampler named by <c>OTEL_TRACES_SAMPLER</c>, as the OpenTelemetry specification defines the names.</summary>
    internal static Sampler TraceSampler(IConfiguration configuration)
    {
        // Unset: every trace. Tracing is only set up at all when an exporter is configured or a sampler asked for.
        var name = configuration["OTEL_TRACES_SAMPLER"]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            name = "parentbased_always_on";
        }
        var argument = configuration["OTEL_TRACES_SAMPLER_ARG"];
        var ratio = 1.0;
        if (!string.IsNullOrWhiteSpace(argument)
            && (!double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || ratio is < 0 or > 1))
        {
            throw new InvalidOperationException($"OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1 (got '{argument}').");
        }
        return name switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_on" => new ParentBasedSampler(new AlwaysOnSampler()),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => throw new InvalidOperationException(
                $"OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio (got '{name}')."),
        };
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

/// <summary>
/// Drops root spans of Orleans' own polling (stream queue reads, grain timer ticks): stream queues are read every few
/// milliseconds and timers tick on their own, so as roots those spans would drown every trace worth reading. Everything
/// else is left to the configured sampler.
/// </summary>
internal sealed class SkipPollingSampler(Sampler inner) : Sampler
{
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default
            && samplingParameters.Name is "IMemoryStreamQueueGrain/Dequeue" or "IGrainTimerInvoker/InvokeCallbackAsync"
            ? Skip
            : inner.ShouldSample(samplingParameters);
}
