using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

/// <summary>The live feed: a unit's staff see what happens to its issues as it happens, each event once.</summary>
public sealed class FeedTests
{
    [Fact]
    public async Task AVillagesFeed_ShowsAReport_ItsEscalationByDeadline_AndItsAcceptance_OnceEach_InOrder()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", Hourly)).StatusCode);
        var start = await http.GetJson($"/api/v1/villages/{County.Village}/feed");
        Assert.Empty(start["items"]!.AsArray());

        var id = await Report(http, County.Grid, "hourly", "路灯损坏");
        var reported = await Next(http, $"/api/v1/villages/{County.Village}/feed", start["cursor"].Str(), 1);
        Assert.Equal(("reported", id, County.Grid, "grid", "路灯损坏"),
            (reported.Items[0]["kind"].Str(), reported.Items[0]["issueId"].Str(), reported.Items[0]["unit"].Str(), reported.Items[0]["level"].Str(), reported.Items[0]["title"].Str()));

        await Advance(app, TimeSpan.FromMinutes(61));
        var escalated = await Next(http, $"/api/v1/villages/{County.Village}/feed", reported.Cursor, 1);
        var e = escalated.Items[0];
        Assert.Equal(("escalated", County.Village, County.Grid, "deadline", "service"),
            (e["kind"].Str(), e["unit"].Str(), e["fromUnit"].Str(), e["reason"].Str(), e["actor"]!["id"].Str()));

        await Act(http, id, "accept");
        var accepted = await Next(http, $"/api/v1/villages/{County.Village}/feed", escalated.Cursor, 1);
        Assert.Equal("accepted", accepted.Items[0]["kind"].Str());
        var versions = new[] { reported, escalated, accepted }.Select(p => p.Items[0]["version"]!.GetValue<long>()).ToArray();
        Assert.Equal(versions.Order(), versions);

        var nothingNew = await http.GetJson($"/api/v1/villages/{County.Village}/feed?after={accepted.Cursor}");
        Assert.Empty(nothingNew["items"]!.AsArray());
        var otherVillage = await http.GetJson($"/api/v1/villages/{County.Village2}/feed");
        Assert.Empty(otherVillage["items"]!.AsArray());
    }

    [Fact]
    public async Task AWaitingRead_IsAnsweredWhenTheEventArrives_WithoutAskingAgain()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var cursor = (await http.GetJson($"/api/v1/townships/{County.Township}/feed"))["cursor"].Str();

        var waiting = http.GetJson($"/api/v1/townships/{County.Township}/feed?after={cursor}&wait=20");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the read waits while nothing happens");
        var id = await Report(http, County.Grid3);
        var page = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal((id, "reported", County.Grid3), (page["items"]![0]!["issueId"].Str(), page["items"]![0]!["kind"].Str(), page["items"]![0]!["grid"].Str()));
    }

    [Theory]
    [InlineData("wait=26", "wait")]
    [InlineData("wait=-1", "wait")]
    [InlineData("limit=0", "limit")]
    public async Task AnOutOfRangeValue_IsRefused_NamingIt(string query, string field)
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var answer = await http.GetAsync($"/api/v1/villages/{County.Village}/feed?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(field, (await answer.Content.ReadAsStringAsync()));
    }

    private static async Task<(JsonNode[] Items, string Cursor)> Next(HttpClient http, string feed, string cursor, int count)
    {
        var page = await http.GetJson($"{feed}?after={cursor}&wait=15");
        var items = page["items"]!.AsArray().Select(i => i!).ToArray();
        Assert.Equal(count, items.Length);
        return (items, page["cursor"].Str());
    }
}
