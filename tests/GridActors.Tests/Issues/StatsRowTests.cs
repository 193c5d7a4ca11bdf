using GridActors.Grains.Infrastructure;
using GridActors.Grains.Stats;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

/// <summary>
/// A grid counts each statistics notice once: each write that applied notices stores their ids, by issue, in a row of
/// its own, written with the counters; ids kept the older ways (one set in the counters' row, a row per issue) still
/// count as applied.
/// </summary>
public sealed class StatsRowTests
{
    [Fact]
    public async Task ANoticeSentTwiceCountsOnce_AndEachWriteStoresTheIdsItApplied()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var first = Guid.Parse(await Report(http, County.Grid, title: "一"));
        var second = Guid.Parse(await Report(http, County.Grid, title: "二"));
        Assert.Equal(2, await Reported(app));

        var rows = await AppliedRows(app);
        Assert.Equal(new[] { first, second }.Order(), rows.Keys.Order());
        Assert.All(rows.Values, ids => Assert.Single(ids));
        var names = await StoredRowNames(app);
        Assert.Contains(names, n => n.StartsWith("resolution-stats/applied-", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n == $"resolution-stats/{first:N}" || n == $"resolution-stats/{second:N}");

        // The issue's stored outbox sends its notice again (as after a lost answer): it is not counted again.
        var stats = app.Service<IGrainFactory>().GetGrain<IResolutionStatsGrain>(County.Grid);
        var notice = new StatsNotice(rows[first].Single(), County.Grid, StatsCalendar.Day(app.Clock.GetUtcNow()), new DayCounters { Reported = 1 }, IssueId: first);
        await stats.Apply(notice);
        Assert.Equal(2, await Reported(app));
        await stats.Apply(notice with { Id = Guid.NewGuid() });
        Assert.Equal(3, await Reported(app));
        // Written behind, within a second (this notice was handed over directly, with no inbox row to wait for).
        await Eventually.Get(() => AppliedRows(app), applied => applied[first].Count == 2, "the second id of the first issue to be stored");
    }

    [Fact]
    public async Task IdsKeptInTheCountersRow_AreMovedAndStillCountOnce()
    {
        await using var first = GatewayApp.OnSqlite();
        var (issue, applied) = await OneReportCounted(first);

        // Store the grid as before: the applied ids in the counters' row, no row per issue.
        var storage = first.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grid = StatsId(first);
        var head = await StoredHead(first);
        head.State!.Applied = [applied];
        await storage.WriteStateAsync("resolution-stats", grid, head);
        await ClearAppliedRows(first);
        await first.DisposeAsync();

        await using var second = first.Restarted();
        await SendAgainAfterRestart(second, issue, applied);
        Assert.Equal(1, await Reported(second));

        var day = StatsCalendar.Day(second.Clock.GetUtcNow());
        var moved = await AppliedRows(second);
        Assert.Equal([applied], moved[Guid.Empty]);
        var counters = await StoredHead(second);
        Assert.Empty(counters.State!.Applied);
        Assert.Equal(1, (await DayRows(second))[day].Reported);
    }

    [Fact]
    public async Task IdsKeptInARowPerIssue_StillCountOnce()
    {
        await using var first = GatewayApp.OnSqlite();
        var (issue, applied) = await OneReportCounted(first);

        // Store the ids as before: a row per issue, none per write.
        await ClearAppliedRows(first);
        var rows = (IGrainStateRows)first.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        await rows.Write(StatsId(first), [new RowWrite($"resolution-stats/{issue:N}", null, rows.Serialize(new HashSet<Guid> { applied }))]);
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var stats = await SendAgainAfterRestart(second, issue, applied);
        Assert.Equal(1, await Reported(second));
        var day = StatsCalendar.Day(second.Clock.GetUtcNow());
        await stats.Apply(new StatsNotice(Guid.NewGuid(), County.Grid, day, new DayCounters { Reported = 1 }, IssueId: issue));
        Assert.Equal(2, await Reported(second));
        await Eventually.Get(() => AppliedRows(second), ids => ids[issue].Count == 2, "the new id to be stored next to the old row");
    }

    [Fact]
    public async Task EachDayIsARowOfItsOwn_AndTheCountersRowHoldsNoDays()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        await Report(http, County.Grid, title: "一");
        var today = StatsCalendar.Day(app.Clock.GetUtcNow());
        app.Clock.Advance(TimeSpan.FromDays(1));
        await Report(http, County.Grid, title: "二");
        await Report(http, County.Grid, title: "三");
        var tomorrow = StatsCalendar.Day(app.Clock.GetUtcNow());

        var days = await DayRows(app);
        Assert.Equal(1, days[today].Reported);
        Assert.Equal(2, days[tomorrow].Reported);
        var head = await StoredHead(app);
        Assert.Empty(head.State!.Days);
        var stats = await http.GetJson($"/api/v1/grids/{County.Grid}/resolution-stats?from={today:yyyy-MM-dd}&to={tomorrow:yyyy-MM-dd}");
        Assert.Equal(3, stats["reported"]!.GetValue<long>());
    }

    [Fact]
    public async Task DaysKeptInTheCountersRow_AreMovedToRowsOfTheirOwn_AndCountOnce()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        await Report(http, County.Grid, title: "一");
        var day = StatsCalendar.Day(first.Clock.GetUtcNow());

        // Store the grid as before: every day in the counters' row, no day rows.
        var storage = first.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var rows = (IGrainStateRows)storage;
        var grid = StatsId(first);
        // The grid writes behind its answers: its rows are read once it has written.
        var head = await StoredHead(first);
        var dayRow = Assert.Single(await rows.ReadAll(grid, "resolution-stats/"), r => r.StateName == $"resolution-stats/{day:yyyy-MM-dd}");
        head.State!.Days[day] = new DayCounters { Reported = 1 };
        head.State.Days[day.AddDays(-40)] = new DayCounters { Reported = 7 };
        await storage.WriteStateAsync("resolution-stats", grid, head);
        await rows.Write(grid, [new RowWrite(dayRow.StateName, dayRow.ETag, null)]);
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        var stats = await again.GetJson($"/api/v1/grids/{County.Grid}/resolution-stats?from={day.AddDays(-40):yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        Assert.Equal(8, stats["reported"]!.GetValue<long>());
        var moved = await DayRows(second);
        Assert.Equal(1, moved[day].Reported);
        Assert.Equal(7, moved[day.AddDays(-40)].Reported);
        var counters = await StoredHead(second);
        Assert.Empty(counters.State!.Days);
    }

    /// <summary>The grid's counters row as stored (once written: see <see cref="Written"/>).</summary>
    private static async Task<GrainState<ResolutionStatsState>> StoredHead(GatewayApp app)
    {
        await Written(app);
        var head = new GrainState<ResolutionStatsState>(new ResolutionStatsState());
        await app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains).ReadStateAsync("resolution-stats", StatsId(app), head);
        return head;
    }

    private static GrainId StatsId(GatewayApp app) => app.Service<IGrainFactory>().GetGrain<IResolutionStatsGrain>(County.Grid).GetGrainId();

    private static async Task<long> Reported(GatewayApp app)
    {
        var day = StatsCalendar.Day(app.Clock.GetUtcNow());
        return (await app.Service<IGrainFactory>().GetGrain<IResolutionStatsGrain>(County.Grid).Get(day, day)).Reported;
    }

    /// <summary>Waits until the grid has written what it counted: it writes behind, within a second, and empties its inbox then.</summary>
    private static Task Written(GatewayApp app)
    {
        var rows = (IGrainStateRows)app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        return Eventually.Get(() => rows.ReadInbox(StatsId(app)), inbox => inbox.Count == 0, "the grid to write what its inbox held");
    }

    private static async Task<Dictionary<DateOnly, DayCounters>> DayRows(GatewayApp app)
    {
        await Written(app);
        var rows = (IGrainStateRows)app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        return (await rows.ReadAll(StatsId(app), "resolution-stats/"))
            .Where(r => r.Payload is not null && DateOnly.TryParseExact(r.StateName["resolution-stats/".Length..], "yyyy-MM-dd", out _))
            .ToDictionary(r => DateOnly.ParseExact(r.StateName["resolution-stats/".Length..], "yyyy-MM-dd"), r => rows.Deserialize<DayCounters>(r.Payload!));
    }

    /// <summary>A grid with one report counted: the issue and the id of the notice that counted it.</summary>
    private static async Task<(Guid Issue, Guid Applied)> OneReportCounted(GatewayApp app)
    {
        var http = app.Start();
        await County.Create(http);
        var issue = Guid.Parse(await Report(http, County.Grid, title: "一"));
        return (issue, (await AppliedRows(app))[issue].Single());
    }

    /// <summary>Starts the restarted gateway and sends its grid, once more, the notice counted before the restart.</summary>
    private static async Task<IResolutionStatsGrain> SendAgainAfterRestart(GatewayApp second, Guid issue, Guid notice)
    {
        second.Start();
        var stats = second.Service<IGrainFactory>().GetGrain<IResolutionStatsGrain>(County.Grid);
        await stats.Apply(new StatsNotice(notice, County.Grid, StatsCalendar.Day(second.Clock.GetUtcNow()), new DayCounters { Reported = 1 }, IssueId: issue));
        return stats;
    }

    /// <summary>Every notice id the grid has stored as applied, by issue, from both row layouts.</summary>
    private static async Task<Dictionary<Guid, HashSet<Guid>>> AppliedRows(GatewayApp app)
    {
        await Written(app);
        var rows = (IGrainStateRows)app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var applied = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var row in await rows.ReadAll(StatsId(app), "resolution-stats/"))
        {
            var name = row.StateName["resolution-stats/".Length..];
            var byIssue = row.Payload is null ? []
                : name.StartsWith("applied-", StringComparison.Ordinal) ? rows.Deserialize<Dictionary<Guid, HashSet<Guid>>>(row.Payload)
                : Guid.TryParseExact(name, "N", out var issue) ? new Dictionary<Guid, HashSet<Guid>> { [issue] = rows.Deserialize<HashSet<Guid>>(row.Payload) }
                : [];
            foreach (var (issueId, ids) in byIssue)
            {
                (applied.TryGetValue(issueId, out var known) ? known : applied[issueId] = []).UnionWith(ids);
            }
        }
        return applied;
    }

    private static async Task<List<string>> StoredRowNames(GatewayApp app)
    {
        await Written(app);
        var rows = (IGrainStateRows)app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        return (await rows.ReadAll(StatsId(app), "resolution-stats/")).Where(r => r.Payload is not null).Select(r => r.StateName).ToList();
    }

    /// <summary>Clears the rows of ids applied by each write (as if the grid had been stored by an earlier version).</summary>
    private static async Task ClearAppliedRows(GatewayApp app)
    {
        await Written(app);
        var rows = (IGrainStateRows)app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var written = (await rows.ReadAll(StatsId(app), "resolution-stats/applied-")).Where(r => r.Payload is not null).ToList();
        Assert.NotEmpty(written);
        await rows.Write(StatsId(app), written.Select(r => new RowWrite(r.StateName, r.ETag, null)).ToList());
    }
}
