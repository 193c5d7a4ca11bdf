using System.Net;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Queues;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

public sealed class EscalationTests
{
    [Fact]
    public async Task Escalate_WhenEachDeadlinePasses_ClimbsGridToCounty_AndIsOverdueAtTheTop()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", Hourly)).StatusCode);
        var id = await Report(http, County.Grid, "hourly");
        Assert.Equal([id], await Queue(http, "grids", County.Grid));

        foreach (var (collection, unit) in new[] { ("villages", County.Village), ("townships", County.Township), ("counties", County.Code) })
        {
            await Advance(app, TimeSpan.FromMinutes(61));
            var issue = await WaitUntilHeldBy(http, id, unit);
            var last = issue["history"]!.AsArray()[^1]!;
            Assert.Equal(("reported", unit, "deadline"), (last["to"].Str(), last["unit"].Str(), last["reason"].Str()));
            Assert.Equal([id], await Eventually.Get(() => Queue(http, collection, unit), q => q.Length == 1, $"{unit}'s queue"));
        }
        Assert.Empty(await Queue(http, "grids", County.Grid));
        Assert.Empty(await Queue(http, "villages", County.Village));
        Assert.Empty(await Queue(http, "townships", County.Township));

        await Advance(app, TimeSpan.FromMinutes(61));
        await Eventually.Get(() => Get(http, id), i => i["overdue"]!.GetValue<bool>(), "the issue to be overdue at the county");
        Assert.Equal([id], await Queue(http, "counties", County.Code, "?overdue=true"));
        var stats = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats"),
            s => s["overdueNow"]!.GetValue<long>() == 1, "overdueNow at the county");
        Assert.Equal(1, stats["escalatedBeyondVillage"]!.GetValue<long>());
        var escalations = (await Get(http, id))["history"]!.AsArray().Where(h => h!["to"].Str() == "escalated").ToArray();
        Assert.Equal([County.Grid, County.Village, County.Township], escalations.Select(h => h!["unit"].Str()));
    }

    [Fact]
    public async Task Deadlines_SurviveARestart()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        await http.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", Hourly);
        var id = await Report(http, County.Grid, "hourly");
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        await Advance(second, TimeSpan.FromMinutes(61));
        await WaitUntilHeldBy(again, id, County.Village);
        Assert.Equal([id], await Eventually.Get(() => Queue(again, "villages", County.Village), q => q.Length == 1, "the village queue"));
    }

    [Fact]
    public async Task ManualEscalation_AndHandDown_AreRecordedAndMoveTheQueues()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid);

        var escalated = await Act(http, id, "escalate", """{"note":"涉及多户, 需村里协调","by":"董明"}""");
        Assert.Equal(County.Village, escalated["holder"]!["code"].Str());
        Assert.Equal("village", escalated["holder"]!["level"].Str());
        Assert.Equal([id], await Eventually.Get(() => Queue(http, "villages", County.Village), q => q.Length == 1, "the village queue"));
        Assert.Empty(await Queue(http, "grids", County.Grid));

        var handed = await Act(http, id, "hand-down", $$"""{"to":"{{County.Grid2}}","note":"请汪屋网格协助调解"}""");
        Assert.Equal(County.Grid2, handed["holder"]!["code"].Str());
        var history = handed["history"]!.AsArray().Select(h => (h!["to"].Str(), h["unit"].Str())).ToArray();
        Assert.Equal(
            [("reported", County.Grid), ("escalated", County.Grid), ("reported", County.Village), ("handedDown", County.Village), ("reported", County.Grid2)],
            history);
        Assert.Equal("manual", handed["history"]![1]!["reason"].Str());
        Assert.Equal("涉及多户, 需村里协调", handed["history"]![1]!["note"].Str());
        Assert.Equal("请汪屋网格协助调解", handed["history"]![4]!["note"].Str());
        Assert.Equal([id], await Queue(http, "grids", County.Grid2));
        Assert.Empty(await Queue(http, "villages", County.Village));
    }

    [Fact]
    public async Task Report_InACategoryThatStartsAtTheVillage_LandsInTheVillageQueue()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid, "infrastructure", "村道塌方");
        var issue = await Get(http, id);
        Assert.Equal(County.Village, issue["holder"]!["code"].Str());
        Assert.Equal("rule", issue["history"]![1]!["reason"].Str());
        Assert.Equal([id], await Eventually.Get(() => Queue(http, "villages", County.Village), q => q.Length == 1, "the village queue"));
        Assert.Empty(await Queue(http, "grids", County.Grid));
    }

    [Fact]
    public async Task TheSameEscalationEventDeliveredTwice_GivesOneQueueEntry()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid);
        await Act(http, id, "escalate", """{"note":"上报"}""");
        await Eventually.Get(() => Queue(http, "villages", County.Village), q => q.Length == 1, "the village queue");

        // Deliver the same event again, as a re-sending outbox or a duplicating stream would.
        var village = app.Service<IGrainFactory>().GetGrain<IIssueQueueGrain>(County.Village);
        var page = await village.List(new QueueQuery(QueueFilter.All, null, null, null, 10));
        var entry = Assert.Single(page.Items);
        var again = new QueueNotice(Guid.NewGuid(), entry.IssueId, County.Village, entry.Version, entry, ViaStream: true, County.Grid, EscalationReason.Manual);
        var stream = app.Service<IClusterClient>().GetStreamProvider(StreamNames.Provider).GetStream<QueueNotice>(StreamNames.For(County.Village));
        await stream.OnNextAsync(again);
        await stream.OnNextAsync(again);
        await village.Apply(again);

        // A later event on the same stream proves the two copies were processed before it.
        var other = await Report(http, County.Grid2);
        await Act(http, other, "escalate", """{"note":"上报"}""");
        var queue = await Eventually.Get(() => Queue(http, "villages", County.Village), q => q.Length == 2, "the second issue in the village queue");
        Assert.Equal(1, queue.Count(q => q == id));
    }

    [Fact]
    public async Task ASiloRestartBetweenPublishAndDelivery_LosesNothing()
    {
        // The first silo polls its stream queue only once an hour: the escalation event is published, acknowledged,
        // and then lost with the silo's memory.
        await using var first = GatewayApp.OnSqlite();
        ((Dictionary<string, string?>)first.Settings)["Streams:PollingPeriodMs"] = "3600000";
        var http = first.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid);
        var escalated = await Act(http, id, "escalate", """{"note":"上报"}""");
        Assert.Equal(County.Village, escalated["holder"]!["code"].Str());
        Assert.Empty(await Queue(http, "villages", County.Village));
        await first.DisposeAsync();

        await using var second = first.Restarted();
        ((Dictionary<string, string?>)second.Settings)["Streams:PollingPeriodMs"] = "10";
        var again = second.Start();
        // The issue's outbox asked to be woken; the scheduler wakes it and it sends the event again.
        await Advance(second, TimeSpan.FromMinutes(3));
        Assert.Equal([id], await Eventually.Get(() => Queue(again, "villages", County.Village), q => q.Length == 1, "the village queue after the restart"));
        Assert.Empty(await Queue(again, "grids", County.Grid));
    }
}
