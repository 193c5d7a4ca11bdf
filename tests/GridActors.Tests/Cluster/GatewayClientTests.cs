using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using GridActors.Grains.Scheduling;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Cluster;

/// <summary>
/// The gateway as a stateless Orleans client (<c>Gateway:CoHostSilo=false</c>) of separate silos found through
/// PostgreSQL membership, over real HTTP: what its callers see when silos die.
/// </summary>
public sealed class GatewayClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AGatewayWhoseSilosAreAllDown_Answers503WithRetryAfter_AndRecoversWhenASiloIsBack()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = SiloHost.ClusterSettings(database);
        await using var gateway = ClientGateway(settings);
        var silo = await SiloHost.StartAsync(settings, gateway.Clock);
        var http = gateway.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid, key: "before");

        await silo.KillAsync();
        await silo.DisposeAsync();
        var answered = Stopwatch.StartNew();
        var down = await Task.WhenAll(
            http.GetAsync($"/api/v1/issues/{id}"),
            http.PostJson($"/api/v1/grids/{County.Grid}/issues", """{"category":"neighbour-dispute","title":"停机时上报"}""", "while-down"),
            http.PostJson($"/api/v1/issues/{id}/escalate", """{"note":"上报"}"""),
            http.GetAsync($"/api/v1/villages/{County.Village}/issues"));
        var downMs = answered.ElapsedMilliseconds;
        foreach (var response in down)
        {
            await response.AssertProblem(503);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        output.WriteLine($"no silo: {down.Length} requests (GET, POST with Idempotency-Key, POST escalate, GET queue) all answered 503 with Retry-After: 5 within {downMs} ms (the safe ones after the gateway's retries)");

        // A silo comes back (new ports, same database): the same gateway process finds it by itself.
        await using var again = await SiloHost.StartAsync(settings, gateway.Clock);
        var back = Stopwatch.StartNew();
        var issue = await Eventually.Get(() => http.GetAsync($"/api/v1/issues/{id}"), r => r.IsSuccessStatusCode, "the gateway to reach the new silo", seconds: 60);
        output.WriteLine($"a new silo started: the gateway answered 200 again {back.ElapsedMilliseconds} ms after it was up, with no restart");
        Assert.Equal(County.Grid, (await issue.Json())["holder"]!["code"].Str());
        var created = await http.PostJson($"/api/v1/grids/{County.Grid}/issues", """{"category":"neighbour-dispute","title":"停机时上报"}""", "while-down");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string[] both = [id, (await created.Json())["id"].Str()];
        Assert.Equal(both.Order(), (await Queue(http, "grids", County.Grid)).Order());
    }

    [Fact]
    public async Task AGatewayInClientMode_KeepsAnswering_WhenOneOfTwoSilosIsKilledMidBurst()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = SiloHost.ClusterSettings(database);
        await using var gateway = ClientGateway(settings);
        await using var survivor = await SiloHost.StartAsync(settings, gateway.Clock);
        await using var victim = await SiloHost.StartAsync(settings, gateway.Clock);
        var http = gateway.Start();
        await County.Create(http);

        var statuses = new ConcurrentQueue<(int Status, long Ms, bool AfterKill)>();
        var created = new ConcurrentDictionary<string, string>();
        var clock = Stopwatch.StartNew();
        long killedAt = long.MaxValue;
        var next = 0;
        const int Requests = 200;

        async Task Caller()
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= Requests)
            {
                var key = $"burst-{n}";
                var grid = n % 2 == 0 ? County.Grid : County.Grid3;
                // A caller that gets 503 sends the same request again after a pause (its Idempotency-Key makes that safe).
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    var started = clock.ElapsedMilliseconds;
                    var response = await http.PostJson($"/api/v1/grids/{grid}/issues", """{"category":"neighbour-dispute","title":"暴雨后上报"}""", key);
                    statuses.Enqueue(((int)response.StatusCode, clock.ElapsedMilliseconds - started, started >= Interlocked.Read(ref killedAt)));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        created[key] = (await response.Json())["id"].Str();
                        var read = await http.GetAsync($"/api/v1/issues/{created[key]}");
                        statuses.Enqueue(((int)read.StatusCode, 0, started >= Interlocked.Read(ref killedAt)));
                        break;
                    }
                    await Task.Delay(500);
                }
            }
        }

        var callers = Enumerable.Range(0, 12).Select(_ => Task.Run(Caller)).ToArray();
        await Eventually.Get(() => Task.FromResult(created.Count), c => c >= Requests / 4, "a quarter of the burst", seconds: 60);
        Interlocked.Exchange(ref killedAt, clock.ElapsedMilliseconds);
        await victim.KillAsync();
        await Task.WhenAll(callers);

        var all = statuses.ToArray();
        var after = all.Where(s => s.AfterKill).ToArray();
        output.WriteLine($"burst through the gateway: {Requests} reports with Idempotency-Key by 12 callers, one of two silos killed at {killedAt} ms, done at {clock.ElapsedMilliseconds} ms");
        output.WriteLine($"answers: {string.Join(", ", all.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key}"))}; "
            + $"after the kill: {string.Join(", ", after.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key}"))}; "
            + $"slowest answer {all.Max(s => s.Ms)} ms");

        Assert.DoesNotContain(all, s => s.Status >= 500 && s.Status != 503);
        Assert.Equal(Requests, created.Count);
        Assert.Equal(Requests, created.Values.Distinct().Count());
        foreach (var id in created.Values)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/issues/{id}")).StatusCode);
        }
        // A queue notice that died with the silo is sent again from the issue's outbox by its wake-up, a domain
        // minute later: move domain time and run the dispatcher (as its reminder would) until the queues list every issue.
        var queued = 0;
        var rounds = 0;
        for (var patience = Stopwatch.StartNew(); patience.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(500))
        {
            queued = (await http.GetJson($"/api/v1/grids/{County.Grid}/issues?limit=1"))["total"]!.GetValue<int>()
                + (await http.GetJson($"/api/v1/grids/{County.Grid3}/issues?limit=1"))["total"]!.GetValue<int>();
            if (queued == Requests)
            {
                break;
            }
            rounds++;
            gateway.Clock.Advance(TimeSpan.FromMinutes(1));
            await gateway.Service<IGrainFactory>().GetGrain<IWakeUpDispatcherGrain>(0).RunDue();
        }
        output.WriteLine($"after: all {created.Count} acknowledged issues answer GET 200; the two grid queues list {queued} (after {rounds} dispatcher rounds)");
        Assert.Equal(Requests, queued);
    }

    private static GatewayApp ClientGateway(Dictionary<string, string?> settings)
    {
        var gateway = GatewayApp.OnPostgres(settings["Storage:ConnectionString"]!);
        var own = (Dictionary<string, string?>)gateway.Settings;
        own["Gateway:CoHostSilo"] = "false";
        own["Storage:ServiceId"] = settings["Storage:ServiceId"];
        own["Storage:ClusterId"] = settings["Storage:ClusterId"];
        return gateway;
    }
}
