using System.Diagnostics;
using System.Diagnostics.Metrics;
using GridActors.Grains.Telemetry;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Telemetry;

/// <summary>Metrics are process-wide, so this class runs alone: the counts it reads are its own.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryCollection))]
public sealed class TracingTests
{
    private const string Reporter = "张三";
    private const string Phone = "13800000000";

    private static async Task<(GatewayApp App, HttpClient Http, SpanList Spans)> Start()
    {
        var spans = new SpanList();
        var app = GatewayApp.OnSqlite();
        // The exporter is added by the test, not configured by OTEL_TRACES_EXPORTER, so the sampler is chosen explicitly
        // (with no exporter configured the service records no trace).
        var configured = app.WithSetting("OTEL_TRACES_SAMPLER", "parentbased_always_on")
            .WithTestServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var http = configured.Start();
        await County.Create(http);
        return (configured, http, spans);
    }

    private static Activity[] Of(SpanList spans, string issueId)
    {
        return spans.Snapshot().Where(s => (string?)s.GetTagItem(GridTelemetry.IssueId) == issueId).ToArray();
    }

    private static async Task<Activity> Span(SpanList spans, string issueId, Func<Activity, bool> match, string what) =>
        (await Eventually.Get(() => Task.FromResult(Of(spans, issueId).Where(match).ToArray()), found => found.Length > 0, what))[0];

    [Fact]
    public async Task EachHandEscalatedHop_IsPublishedAndReceivedInOneTrace_WithTheConsumerUnderThePublisher()
    {
        var (app, http, spans) = await Start();
        await using var _ = app;
        var id = await Report(http, County.Grid);
        foreach (var (from, to, level) in new[] { (County.Grid, County.Village, "village"), (County.Village, County.Township, "township"), (County.Township, County.Code, "county") })
        {
            var issue = await Act(http, id, "escalate", """{"note":"上报"}""");
            var historyTrace = issue["history"]!.AsArray()[^1]!["traceId"].Str();

            var publish = await Span(spans, id, s => s.Kind == ActivityKind.Producer && (string?)s.GetTagItem(GridTelemetry.ToUnit) == to, $"the publish span to {to}");
            var receive = await Span(spans, id, s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem(GridTelemetry.ToUnit) == to, $"the receive span at {to}");
            Assert.Equal(publish.SpanId, receive.ParentSpanId);
            Assert.Equal(historyTrace, publish.TraceId.ToString());
            Assert.Equal(historyTrace, receive.TraceId.ToString());
            Assert.Equal((from, to, "manual", level), ((string?)publish.GetTagItem(GridTelemetry.FromUnit), (string?)receive.GetTagItem(GridTelemetry.Unit),
                (string?)receive.GetTagItem(GridTelemetry.Reason), (string?)receive.GetTagItem(GridTelemetry.Level)));
            // The publishing span hangs under the HTTP request that asked for the escalation.
            Assert.Contains(spans.Snapshot(), s => IsHttpRequest(s) && s.TraceId == publish.TraceId && s.DisplayName.Contains("escalate", StringComparison.Ordinal));
        }
        AssertNoPersonalData(spans);
    }

    [Fact]
    public async Task AReportThatMustStartAtTheVillage_IsOneTraceFromTheRequestToTheVillageQueue()
    {
        var (app, http, spans) = await Start();
        await using var _ = app;
        var id = await Report(http, County.Grid, "infrastructure", "村道塌方");
        var receive = await Span(spans, id, s => s.Kind == ActivityKind.Consumer, "the village's receive span");
        Assert.Equal(County.Village, receive.GetTagItem(GridTelemetry.Unit));
        Assert.Equal("rule", receive.GetTagItem(GridTelemetry.Reason));
        var reportTrace = (await Get(http, id))["history"]![0]!["traceId"].Str();
        Assert.Equal(reportTrace, receive.TraceId.ToString());
        var request = Assert.Single(spans.Snapshot(), s => IsHttpRequest(s) && s.TraceId == receive.TraceId);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
    }

    [Fact]
    public async Task ADeadlineEscalation_StartsANewTrace_LinkedToTheReportsTrace()
    {
        var (app, http, spans) = await Start();
        await using var _ = app;
        await http.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", """{"name":"每级一小时","deadlines":{"grid":"PT1H","village":"PT1H","township":"PT1H","county":"PT1H"}}""");
        var id = await Report(http, County.Grid, "hourly");
        var reportTrace = (await Get(http, id))["history"]![0]!["traceId"].Str();

        await Advance(app, TimeSpan.FromMinutes(61));
        var root = await Span(spans, id, s => s.DisplayName == "issue deadline passed", "the deadline span");
        Assert.Equal(default, root.ParentSpanId);
        Assert.NotEqual(reportTrace, root.TraceId.ToString());
        Assert.Equal(reportTrace, Assert.Single(root.Links).Context.TraceId.ToString());

        var receive = await Span(spans, id, s => s.Kind == ActivityKind.Consumer, "the village's receive span");
        Assert.Equal(root.TraceId, receive.TraceId);
        Assert.Equal("deadline", receive.GetTagItem(GridTelemetry.Reason));
        var escalation = (await Get(http, id))["history"]!.AsArray().Single(h => h!["to"].Str() == "escalated")!;
        Assert.Equal(root.TraceId.ToString(), escalation["traceId"].Str());
    }

    [Fact]
    public async Task Metrics_CountAScriptedScenario()
    {
        var measured = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GridTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var t in tags)
            {
                copy[t.Key] = t.Value;
            }
            lock (measured)
            {
                measured.Add((i.Name, v, copy));
            }
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();

        var (app, http, spans) = await Start();
        await using var _ = app;
        var a = await Report(http, County.Grid, title: "A");
        var b = await Report(http, County.Grid, title: "B");
        await Act(http, a, "accept");
        app.Clock.Advance(TimeSpan.FromHours(2));
        await Act(http, a, "resolve", """{"note":"已处理"}""");
        await Act(http, b, "escalate", """{"note":"上报"}""");
        await Act(http, b, "escalate", """{"note":"上报"}""");

        double Sum(string name, Func<Dictionary<string, object?>, bool>? where = null)
        {
            lock (measured)
            {
                return measured.Where(m => m.Name == name && (where?.Invoke(m.Tags) ?? true)).Sum(m => m.Value);
            }
        }
        Assert.Equal(2, Sum("gridactors.issues.reported"));
        Assert.Equal(1, Sum("gridactors.issues.resolved", t => (string?)t[GridTelemetry.Level] == "grid"));
        Assert.Equal(7200, Sum("gridactors.issues.time_to_resolve"));
        Assert.Equal(1, Sum("gridactors.issues.escalated", t => (string?)t[GridTelemetry.FromLevel] == "grid" && (string?)t[GridTelemetry.ToLevel] == "village" && (string?)t[GridTelemetry.Reason] == "manual"));
        Assert.Equal(1, Sum("gridactors.issues.escalated", t => (string?)t[GridTelemetry.FromLevel] == "village" && (string?)t[GridTelemetry.ToLevel] == "township"));
        Assert.Equal(0, Sum("gridactors.issues.open", t => (string?)t[GridTelemetry.Level] == "grid"));
        Assert.Equal(0, Sum("gridactors.issues.open", t => (string?)t[GridTelemetry.Level] == "village"));
        Assert.Equal(1, Sum("gridactors.issues.open", t => (string?)t[GridTelemetry.Level] == "township"));

        var scrape = await http.GetStringAsync("/metrics");
        Assert.Contains("gridactors_issues_reported", scrape);
        Assert.Contains("gridactors_issues_escalated", scrape);
        // Orleans' gauges and storage timings are served; its per-message counters are not (they cost more than they tell).
        Assert.Contains("orleans_catalog_activations", scrape);
        Assert.Contains("orleans_storage_write_latency", scrape);
        Assert.DoesNotContain("orleans_messaging_sent_local", scrape);
        Assert.DoesNotContain("orleans_app_requests_latency", scrape);
        AssertNoPersonalData(spans);
    }

    private static bool IsHttpRequest(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore";

    private static void AssertNoPersonalData(SpanList spans)
    {
        {
            foreach (var span in spans.Snapshot())
            {
                foreach (var (key, value) in span.TagObjects)
                {
                    var text = value?.ToString() ?? "";
                    Assert.False(text.Contains(Reporter, StringComparison.Ordinal) || text.Contains(Phone, StringComparison.Ordinal),
                        $"span {span.DisplayName} carries personal data in {key}");
                }
            }
        }
    }
}

/// <summary>The in-memory exporter adds from whichever thread ends a span; this list takes that safely.</summary>
public sealed class SpanList : ICollection<Activity>
{
    private readonly List<Activity> _items = [];

    public Activity[] Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public int Count => Snapshot().Length;
    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);
    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
    public bool Remove(Activity item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
