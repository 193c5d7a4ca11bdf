using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Telemetry;
using GridActors.Silo.Storage;

namespace GridActors.Bench;

/// <summary>
/// B4: escalation latency grid → village → township → county through the service's own HTTP API and its stream
/// hops. The service (gateway co-hosting its silo, embedded SQLite, default settings: streams polled every 10 ms) runs
/// in this process so an <see cref="ActivityListener"/> sees the "escalation receive {level}" span of each hop end
/// (the receiving queue has written the entry). A chain: POST escalate at the grid; when it lands at the village,
/// POST escalate again; then at the township; done when it lands at the county. New chains start at <c>--rate</c>
/// a second for <c>--seconds</c>; every chain must land (none lost). Baseline: the same three hops as direct grain
/// calls (<see cref="HopGrain"/>), at the same rate, in the same silo.
/// </summary>
public static class EscalationBench
{
    private static readonly string[] Levels = ["village", "township", "county"];

    public static async Task<int> RunAsync(Options options)
    {
        var rate = options.Double("rate", 30);
        var seconds = options.Double("seconds", 10);
        var warmupChains = options.Int("warmup", 30);
        var chains = (int)(rate * seconds);
        var directory = Path.Combine(Path.GetTempPath(), "gridactors-bench-b4-" + Guid.NewGuid().ToString("N"));
        var adminKey = "bench-b4-" + Guid.NewGuid().ToString("N");
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Auth:BootstrapAdminKey"] = adminKey,
            ["RateLimits:PermitsPerSecond"] = "1000000",
            ["RateLimits:Burst"] = "1000000",
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            // Stopping the silo cancels the stream pumps' last reads, which they log as errors; lost events are counted here instead.
            ["Logging:LogLevel:Orleans.Providers"] = "None",
            ["Logging:LogLevel:Orleans.Streams"] = "None",
        });
        builder.WebHost.UseUrls(url);
        builder.AddGridActorsGateway();
        await using var app = builder.Build();
        app.MapGridActorsGateway();
        if (!await SchemaInstaller.TryInstallAsync(app.Configuration, app.Logger))
        {
            return 1;
        }
        await app.StartAsync();
        Console.WriteLine($"  service in process at {url} (SQLite in {directory}, streams polled every {app.Configuration.GetValue("Streams:PollingPeriodMs", 10)} ms)");

        using var client = new ServiceClient(url, adminKey, 64);
        var (_, _, grids) = Codes.County("110105", 2, 4, 8);
        await client.RunAsync([Call.Put("/api/v1/counties/110105", """{"name":"升级县"}""")], 1);
        await client.RunAsync(Codes.County("110105", 2, 4, 8).Townships.Select(t => Call.Put($"/api/v1/townships/{t}", """{"name":"升级镇"}""")), 4);
        await client.RunAsync(Codes.County("110105", 2, 4, 8).Villages.Select(v => Call.Put($"/api/v1/villages/{v}", """{"name":"升级村","kind":"village"}""")), 4);
        await client.RunAsync(grids.Select(g => Call.Put($"/api/v1/grids/{g}", """{"name":"升级网格"}""")), 4);
        var (_, _, bodies) = await client.RunAsync(
            Enumerable.Range(0, warmupChains + chains).Select(i => Call.Post($"/api/v1/grids/{grids[i % grids.Count]}/issues", ServiceDriver.IssueBody(i))), 16, keepBodies: true);
        var issues = bodies.Select(b => Guid.Parse(System.Text.Json.JsonDocument.Parse(b).RootElement.GetProperty("id").GetString()!)).ToList();

        var running = new ConcurrentDictionary<string, Chain>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GridTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName.StartsWith("escalation receive ", StringComparison.Ordinal)
                    && activity.GetTagItem(GridTelemetry.IssueId) is string id && running.TryGetValue(id, out var chain))
                {
                    chain.Landed(activity.OperationName["escalation receive ".Length..], Stopwatch.GetTimestamp());
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // Warm-up chains (JIT, activations of the queues above), not counted.
        await RunChainsAsync(client, running, issues.Take(warmupChains).ToList(), rate);
        running.Clear();

        await using var gc = new GcPauseMonitor(Environment.ProcessId);
        await Task.Delay(500);
        gc.Reset();
        var measured = await RunChainsAsync(client, running, issues.Skip(warmupChains).ToList(), rate);
        var (gcLongest, gcGeneration, gcCount, _, _) = gc.Snapshot();
        var done = measured.Where(c => c.IsDone).ToList();
        var lost = measured.Count - done.Count;
        var errors = measured.Sum(c => c.Errors);
        var totals = done.Select(c => c.TotalMs).Order().ToList();
        var hops = done.SelectMany(c => c.HopMs).Order().ToList();
        Console.WriteLine($"  {measured.Count} chains at {rate}/s ({rate * 3} escalations/s): {done.Count} landed at the county, {lost} lost, {errors} failed requests");
        Console.WriteLine($"  chain (3 escalations, 3 stream hops): p50 {Stats.Percentile(totals, 50):0.0} ms, p99 {Stats.Percentile(totals, 99):0.0} ms, max {totals.LastOrDefault():0.0} ms");
        Console.WriteLine($"  one hop (POST escalate to the receiving queue's span end): p50 {Stats.Percentile(hops, 50):0.0} ms, p99 {Stats.Percentile(hops, 99):0.0} ms");
        options.Record("b4.chains", measured.Count);
        options.Record("b4.rate", rate);
        options.Record("b4.lost", lost + errors);
        options.Record("b4.stream.p50.ms", Stats.Percentile(totals, 50));
        options.Record("b4.stream.p99.ms", Stats.Percentile(totals, 99));
        options.Record("b4.stream.max.ms", totals.LastOrDefault());
        options.Record("b4.hop.p50.ms", Stats.Percentile(hops, 50));
        options.Record("b4.hop.p99.ms", Stats.Percentile(hops, 99));
        options.Record("b4.gc.maxpause.ms", gcLongest);
        options.Record("b4.gc.maxpause.gen", gcGeneration);
        options.Record("b4.gc.pauses", gcCount);

        // Baseline: the same three hops as direct grain calls, same rate, up to 10 s.
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        for (var i = 0; i < 200; i++)
        {
            await grains.GetGrain<IHopGrain>(grids[i % grids.Count]).Hop(3);
        }
        var directCount = (int)(rate * Math.Min(seconds, 10));
        var direct = new double[directCount];
        var start = Stopwatch.GetTimestamp();
        var calls = new List<Task>();
        for (var i = 0; i < directCount; i++)
        {
            await PaceAsync(start, i, rate);
            var index = i;
            calls.Add(Task.Run(async () =>
            {
                var t0 = Stopwatch.GetTimestamp();
                await grains.GetGrain<IHopGrain>(grids[index % grids.Count]).Hop(3);
                direct[index] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(calls);
        var directSorted = direct.Order().ToList();
        Console.WriteLine($"  direct grain-call chain (3 hops): p50 {Stats.Percentile(directSorted, 50):0.000} ms, p99 {Stats.Percentile(directSorted, 99):0.000} ms over {directCount}");
        options.Record("b4.direct.p50.ms", Stats.Percentile(directSorted, 50));
        options.Record("b4.direct.p99.ms", Stats.Percentile(directSorted, 99));

        await app.StopAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static async Task<List<Chain>> RunChainsAsync(ServiceClient client, ConcurrentDictionary<string, Chain> running, List<Guid> issues, double rate)
    {
        var list = new List<Chain>();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < issues.Count; i++)
        {
            await PaceAsync(start, i, rate);
            var chain = new Chain(issues[i], client);
            running[chain.Key] = chain;
            list.Add(chain);
            chain.Start();
        }
        var deadline = Task.Delay(TimeSpan.FromSeconds(15));
        await Task.WhenAny(Task.WhenAll(list.Select(c => c.Done)), deadline);
        return list;
    }

    private static async Task PaceAsync(long start, int index, double rate)
    {
        var due = TimeSpan.FromSeconds(index / rate) - Stopwatch.GetElapsedTime(start);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One issue climbing three levels: escalate, and when it lands, escalate again.</summary>
    private sealed class Chain(Guid id, ServiceClient client)
    {
        private readonly long[] _sent = new long[3];
        private readonly long[] _landed = new long[3];
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stage;
        private int _errors;

        public string Key { get; } = id.ToString();

        public Task Done => _done.Task;

        public bool IsDone => _done.Task.IsCompleted;

        public int Errors => Volatile.Read(ref _errors);

        public double TotalMs => Stopwatch.GetElapsedTime(_sent[0], _landed[2]).TotalMilliseconds;

        public IEnumerable<double> HopMs => Enumerable.Range(0, 3).Select(i => Stopwatch.GetElapsedTime(_sent[i], _landed[i]).TotalMilliseconds);

        public void Start() => Escalate(0);

        public void Landed(string level, long at)
        {
            lock (_sent)
            {
                if (_stage > 2 || Levels[_stage] != level || _landed[_stage] != 0)
                {
                    return; // a duplicate delivery, or a level already counted
                }
                _landed[_stage] = at;
                _stage++;
                if (_stage == 3)
                {
                    _done.TrySetResult();
                    return;
                }
                Escalate(_stage);
            }
        }

        private void Escalate(int stage)
        {
            _sent[stage] = Stopwatch.GetTimestamp();
            _ = Task.Run(async () =>
            {
                using var response = await client.SendAsync(Call.Post($"/api/v1/issues/{Key}/escalate", """{"note":"本级无法解决，上报"}"""));
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _errors);
                    Console.Error.WriteLine($"  escalate {Key} at stage {stage}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            });
        }
    }
}
