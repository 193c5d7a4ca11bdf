using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

public sealed class ResolutionStatsTests
{
    /// <summary>
    /// One working day (2026-03-02, from 09:00 China time), worked out by hand:
    ///
    /// | issue | grid | path                              | resolved after | where    | satisfaction |
    /// |-------|------|-----------------------------------|----------------|----------|--------------|
    /// | A     | G1   | accept, resolve                   | 1 h            | grid     | 5            |
    /// | B     | G1   | accept, resolve                   | 2 h            | grid     | 4            |
    /// | C     | G2   | escalate, accept, resolve         | 4 h            | village  | 3            |
    /// | D     | G3   | escalate twice, accept, resolve   | 8 h            | township | -            |
    /// | E     | G3   | reported, left open               | -              | -        | -            |
    /// | F     | G1   | rejected                          | -              | -        | -            |
    ///
    /// County: reported 6; resolved 4 (A B C D); at grid 2; at village or below 3; escalated beyond the
    /// village 1 (D); median of 1 h, 2 h, 4 h, 8 h = (2 h + 4 h) / 2 = 3 h; satisfaction (5 + 4 + 3) / 3 = 4;
    /// gridRate 2/4 = 0.5; villageRate 3/4 = 0.75.
    /// Village 340822100201 (G1, G2): reported 4 (A B C F); resolved 3; at grid 2; at village or below 3;
    /// median of 1 h, 2 h, 4 h = 2 h; satisfaction 4; gridRate 2/3 = 0.6667; villageRate 1.
    /// Grid G3: reported 2; resolved 1 (D, at the township); escalated beyond the village 1; rates 0 and 0; median 8 h.
    /// </summary>
    [Fact]
    public async Task Statistics_MatchAHandWorkedDay_AtGridVillageAndCounty()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);

        var a = await Report(http, County.Grid, title: "A");
        var b = await Report(http, County.Grid, title: "B");
        var c = await Report(http, County.Grid2, title: "C");
        var d = await Report(http, County.Grid3, title: "D");
        await Report(http, County.Grid3, title: "E");
        var f = await Report(http, County.Grid, title: "F");

        await Act(http, f, "reject", """{"note":"不属于受理范围"}""");
        await Act(http, c, "escalate", """{"note":"需村协调"}""");
        await Act(http, d, "escalate", """{"note":"需村协调"}""");
        await Act(http, d, "escalate", """{"note":"需镇协调"}""");
        foreach (var id in new[] { a, b, c, d })
        {
            await Act(http, id, "accept");
        }

        app.Clock.Advance(TimeSpan.FromHours(1));
        await Act(http, a, "resolve", """{"note":"已调解"}""");
        app.Clock.Advance(TimeSpan.FromHours(1));
        await Act(http, b, "resolve", """{"note":"已调解"}""");
        app.Clock.Advance(TimeSpan.FromHours(2));
        await Act(http, c, "resolve", """{"note":"已调解"}""");
        app.Clock.Advance(TimeSpan.FromHours(4));
        var resolvedD = await Act(http, d, "resolve", """{"note":"已调解"}""");
        Assert.Equal("township", resolvedD["resolutionLevel"].Str());
        await Act(http, a, "close", """{"satisfaction":5}""");
        await Act(http, b, "close", """{"satisfaction":4}""");
        await Act(http, c, "close", """{"satisfaction":3}""");

        const string day = "?from=2026-03-02&to=2026-03-02";
        var county = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 6 && s["averageSatisfaction"]?.GetValue<double>() == 4.0, "the county's statistics");
        AssertStats(county, reported: 6, resolved: 4, atGrid: 2, villageOrBelow: 3, beyondVillage: 1, medianSeconds: 3 * 3600, satisfaction: 4.0, gridRate: 0.5, villageRate: 0.75);
        Assert.Equal("PT3H", county["medianTimeToResolve"].Str());

        var village = await http.GetJson($"/api/v1/villages/{County.Village}/resolution-stats{day}");
        AssertStats(village, reported: 4, resolved: 3, atGrid: 2, villageOrBelow: 3, beyondVillage: 0, medianSeconds: 2 * 3600, satisfaction: 4.0, gridRate: 0.6667, villageRate: 1.0);

        var grid3 = await http.GetJson($"/api/v1/grids/{County.Grid3}/resolution-stats{day}");
        AssertStats(grid3, reported: 2, resolved: 1, atGrid: 0, villageOrBelow: 0, beyondVillage: 1, medianSeconds: 8 * 3600, satisfaction: null, gridRate: 0, villageRate: 0);

        var township = await http.GetJson($"/api/v1/townships/{County.Township}/resolution-stats{day}");
        Assert.Equal(county["resolved"]!.GetValue<long>(), township["resolved"]!.GetValue<long>());

        var dayBefore = await http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats?from=2026-03-01&to=2026-03-01");
        Assert.Equal(0, dayBefore["reported"]!.GetValue<long>());
        Assert.Null(dayBefore["gridRate"]);

        // Reopening A takes its resolution (and its rating) out of the figures until it is resolved again.
        await Act(http, a, "reopen", """{"note":"复发"}""");
        var reopened = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["resolved"]!.GetValue<long>() == 3 && s["averageSatisfaction"]?.GetValue<double>() == 3.5, "the reopened issue and its rating to leave the figures");
        Assert.Equal(1, reopened["resolvedAtGrid"]!.GetValue<long>());
        Assert.Equal(3.5, reopened["averageSatisfaction"]!.GetValue<double>());
    }

    [Fact]
    public async Task Statistics_BadWindow_Is400_AndUnknownUnit404()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        await (await http.GetAsync($"/api/v1/counties/{County.Code}/resolution-stats?from=2026-13-01")).AssertInvalid("from", "YYYY-MM-DD");
        await (await http.GetAsync($"/api/v1/counties/{County.Code}/resolution-stats?from=2026-03-05&to=2026-03-01")).AssertInvalid("from", "not be after");
        await (await http.GetAsync("/api/v1/counties/340899/resolution-stats")).AssertProblem(404);
    }

    /// <summary>
    /// A grid's push reaches its village and is counted there, but the answer is lost (a timeout, a dropped
    /// connection): the grid cannot tell, so it sends that batch again under the same sequence, and the village ignores
    /// it. What the grid counts afterwards must go up in a batch of its own: folded into the batch already sent, it would
    /// be ignored with it, and the village and everything above would never count it.
    /// </summary>
    [Fact]
    public async Task APushWhoseAnswerIsLost_DoesNotSwallowLaterChanges()
    {
        var losing = new LoseOneAnswer(nameof(Grains.Stats.IResolutionStatsGrain.ApplyBatch), County.Village);
        await using var app = GatewayApp.OnSqlite().WithTestServices(services => services.AddSingleton<IOutgoingGrainCallFilter>(losing));
        var http = app.Start();
        await County.Create(http);
        const string day = "?from=2026-03-02&to=2026-03-02";

        await Report(http, County.Grid, title: "一");
        await Eventually.Get(() => Task.FromResult(losing.Lost), lost => lost, "the first push to the village to lose its answer");
        await Eventually.Get(() => http.GetJson($"/api/v1/villages/{County.Village}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 1, "the village to have counted the first push");

        await Report(http, County.Grid, title: "二");
        await Report(http, County.Grid, title: "三");
        await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 3, "the county to count all three reports");
        var village = await http.GetJson($"/api/v1/villages/{County.Village}/resolution-stats{day}");
        Assert.Equal(3, village["reported"]!.GetValue<long>());
    }

    /// <summary>
    /// A grid's push is confirmed without writing anything (a lost activation just sends it again, and the parent ignores
    /// it). After a restart, that batch may still be stored as pending: the grid's next report must go up in a batch of
    /// its own, or the village would ignore it along with the batch it already counted.
    /// </summary>
    [Fact]
    public async Task AReportAfterARestart_ReachesTheVillage_EvenWhenTheLastPushWasConfirmedUnwritten()
    {
        const string day = "?from=2026-03-02&to=2026-03-02";
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        await Report(http, County.Grid, title: "一");
        await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 1, "the county to count the first report");
        await first.DisposeAsync();

        await using var second = first.Restarted();
        http = second.Start();
        await Report(http, County.Grid, title: "二");
        await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{day}"),
            s => s["reported"]!.GetValue<long>() == 2, "the county to count the report made after the restart");
        Assert.Equal(2, (await http.GetJson($"/api/v1/villages/{County.Village}/resolution-stats{day}"))["reported"]!.GetValue<long>());
    }

    /// <summary>Lets the first call of <paramref name="method"/> to grain <paramref name="key"/> run, then fails it as if its answer was lost.</summary>
    private sealed class LoseOneAnswer(string method, string key) : IOutgoingGrainCallFilter
    {
        private int _lost;

        public bool Lost => Volatile.Read(ref _lost) == 1;

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            if (context.InterfaceMethod?.Name == method && context.TargetId.Key.ToString() == key && Interlocked.CompareExchange(ref _lost, 1, 0) == 0)
            {
                throw new TimeoutException($"the answer of {method} to {key} was lost");
            }
        }
    }

    private static void AssertStats(JsonNode s, long reported, long resolved, long atGrid, long villageOrBelow, long beyondVillage,
        double medianSeconds, double? satisfaction, double gridRate, double villageRate)
    {
        Assert.Equal(
            (reported, resolved, atGrid, villageOrBelow, beyondVillage, 0L, medianSeconds, satisfaction, gridRate, villageRate),
            (s["reported"]!.GetValue<long>(), s["resolved"]!.GetValue<long>(), s["resolvedAtGrid"]!.GetValue<long>(),
             s["resolvedAtVillageOrBelow"]!.GetValue<long>(), s["escalatedBeyondVillage"]!.GetValue<long>(), s["overdueNow"]!.GetValue<long>(),
             s["medianTimeToResolveSeconds"]!.GetValue<double>(), s["averageSatisfaction"]?.GetValue<double>(),
             s["gridRate"]!.GetValue<double>(), s["villageRate"]!.GetValue<double>()));
    }
}
