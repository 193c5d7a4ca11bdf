using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

public sealed class ReporterAnswerFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Http { get; private set; } = null!;
    public HttpClient Reporter { get; private set; } = null!;
    public string ReporterSecret { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
        var key = await Http.PostJson("/api/v1/keys", $$"""{"app":"网格通","jurisdiction":"{{County.Grid}}","roles":["reporter"]}""");
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        ReporterSecret = (await key.Json())["secret"].Str();
        Reporter = App.ClientWith(ReporterSecret);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The reporter's own word (群众评价) through each channel: the reporter key, Open311 and a keyless link.</summary>
public sealed class ReporterAnswerTests(ReporterAnswerFixture fixture) : IClassFixture<ReporterAnswerFixture>
{
    private readonly HttpClient _http = fixture.Http;
    private readonly HttpClient _reporter = fixture.Reporter;
    private const string Window = "?from=2026-03-01&to=2026-12-31";

    private async Task<(string Id, JsonNode Resolved)> Resolved()
    {
        var id = await Report(_http, County.Grid);
        await Act(_http, id, "accept");
        return (id, await Act(_http, id, "resolve", """{"note":"已调解"}"""));
    }

    [Fact]
    public async Task ReporterKey_ConfirmsSettled_ClosesWithTheScore_AndEachResolutionIsAnsweredOnce()
    {
        var (id, _) = await Resolved();
        var bad = await _reporter.PostJson($"/api/v1/issues/{id}/confirm", """{"settled":true,"satisfaction":6}""");
        await bad.AssertInvalid("satisfaction", "1 to 5");
        Assert.Equal("resolved", (await Get(_http, id))["status"].Str());

        var answered = await _reporter.PostJson($"/api/v1/issues/{id}/confirm", """{"settled":true,"satisfaction":4,"comment":"调解到位"}""");
        var issue = await answered.Json();
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("closed", issue["status"].Str());
        Assert.Equal(4, issue["satisfaction"]!.GetValue<int>());
        var answer = Assert.Single(issue["reporterAnswers"]!.AsArray())!;
        Assert.True(answer["settled"]!.GetValue<bool>());
        Assert.Equal("调解到位", answer["comment"].Str());
        Assert.Null(issue["confirmLink"]);

        var again = await _reporter.PostJson($"/api/v1/issues/{id}/confirm", """{"settled":false,"satisfaction":1}""");
        await again.AssertProblem(409, "already answered");
        Assert.Equal("closed", (await again.Json())["currentState"].Str());
        Assert.Equal("closed", (await Get(_http, id))["status"].Str());
    }

    [Fact]
    public async Task Confirm_OnAnIssueNotResolved_Is409NamingTheState_AndOutsideTheKeysGridIs404()
    {
        var open = await Report(_http, County.Grid);
        var early = await _reporter.PostJson($"/api/v1/issues/{open}/confirm", """{"settled":true,"satisfaction":5}""");
        await early.AssertProblem(409, "reported");
        Assert.Equal("reported", (await early.Json())["currentState"].Str());

        var elsewhere = await Report(_http, County.Grid2);
        await Act(_http, elsewhere, "accept");
        await Act(_http, elsewhere, "resolve", """{"note":"已调解"}""");
        var outside = await _reporter.PostJson($"/api/v1/issues/{elsewhere}/confirm", """{"settled":true,"satisfaction":5}""");
        await outside.AssertProblem(404);
        var missing = await _reporter.PostJson($"/api/v1/issues/{open}/confirm", """{"satisfaction":5}""");
        await missing.AssertInvalid("settled", "required");
    }

    [Fact]
    public async Task NotSettled_ReopensAtTheLevelThatClosedIt_Once_AndTheStatisticsCountTheReopenedRate()
    {
        var id = await Report(_http, County.Grid3);
        await Act(_http, id, "escalate", """{"note":"需村里协调"}""");
        await WaitUntilHeldBy(_http, id, County.Village2);
        await Act(_http, id, "accept");
        await Act(_http, id, "resolve", """{"note":"村里已协调"}""");
        await Act(_http, id, "close", """{"satisfaction":5}""");

        var reopening = await _http.PostJson($"/api/v1/issues/{id}/confirm", """{"settled":false,"satisfaction":2,"comment":"没有解决"}""");
        var first = await reopening.Json();
        Assert.True(reopening.IsSuccessStatusCode, first.ToJsonString());
        Assert.Equal("reopened", first["status"].Str());
        Assert.Equal(County.Village2, first["holder"]!["code"].Str());
        Assert.Null(first["satisfaction"]);
        Assert.True(first["reporterAnswers"]![0]!["reopened"]!.GetValue<bool>());

        await Act(_http, id, "accept");
        await Act(_http, id, "resolve", """{"note":"再次协调"}""");
        var second = await (await _http.PostJson($"/api/v1/issues/{id}/confirm", """{"settled":false,"satisfaction":3}""")).Json();
        Assert.Equal("closed", second["status"].Str());
        Assert.Equal(County.Village2, second["holder"]!["code"].Str());
        Assert.Equal(2, second["reporterAnswers"]!.AsArray().Count);
        Assert.False(second["reporterAnswers"]![1]!["reopened"]!.GetValue<bool>());
        Assert.False(second["reporterAnswers"]![1]!["settled"]!.GetValue<bool>());

        // Grid3 is only this test's: its figures are this issue's alone.
        var stats = await Eventually.Get(() => _http.GetJson($"/api/v1/grids/{County.Grid3}/resolution-stats{Window}"),
            s => s["reporterAnswers"]!.GetValue<long>() >= 2, "the grid's statistics");
        Assert.Equal(1, stats["reopenedByReporter"]!.GetValue<long>());
        Assert.Equal(0.5, stats["reopenedRate"]!.GetValue<double>());
        Assert.Equal(1, stats["resolved"]!.GetValue<long>());
        Assert.Equal(3.0, stats["averageSatisfaction"]!.GetValue<double>());
        var county = await Eventually.Get(() => _http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{Window}"),
            s => s["reopenedByReporter"]!.GetValue<long>() >= 1, "the county's statistics");
        Assert.NotNull(county["reopenedRate"]);
    }

    [Fact]
    public async Task ConfirmLink_WorksOnceWithoutAKey_AndAForgedOrUsedLinkChangesNothing()
    {
        var (id, resolved) = await Resolved();
        var link = resolved["confirmLink"].Str();
        Assert.StartsWith("/public/v1/confirm#", link);
        var token = link.Split('#')[1];
        Assert.Equal(link, (await _reporter.GetJson($"/api/v1/issues/{id}"))["confirmLink"].Str());
        using var resident = fixture.App.ClientWith(null);

        var page = await resident.GetAsync("/public/v1/confirm");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("群众评价", await page.Content.ReadAsStringAsync());

        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var refused = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{forged}}","settled":true,"satisfaction":5}""");
        await refused.AssertProblem(404, "token");
        var badScore = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":true,"satisfaction":0}""");
        await badScore.AssertInvalid("satisfaction", "1 to 5");
        var before = await Get(_http, id);
        Assert.Equal("resolved", before["status"].Str());

        var used = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":true,"satisfaction":5,"comment":"满意"}""");
        var answer = await used.Json();
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal("closed", answer["status"].Str());
        Assert.Null(answer["title"]);
        var closed = await Get(_http, id);
        Assert.Equal(5, closed["satisfaction"]!.GetValue<int>());
        Assert.Equal("confirm-link", closed["history"]!.AsArray()[^1]!["actor"]!["id"].Str());

        var twice = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":false,"satisfaction":1}""");
        await twice.AssertProblem(410, "already used");
        var after = await Get(_http, id);
        Assert.Equal("closed", after["status"].Str());
        Assert.Equal(closed["history"]!.AsArray().Count, after["history"]!.AsArray().Count);
        Assert.Single(after["reporterAnswers"]!.AsArray());
    }

    [Fact]
    public async Task ConfirmLink_PastItsValidity_Is410_AndTheIssueStaysResolved()
    {
        var (id, resolved) = await Resolved();
        var token = resolved["confirmLink"].Str().Split('#')[1];
        // Other tests of the class read their statistics over a window that covers the days this moves on.
        fixture.App.Clock.Advance(TimeSpan.FromDays(31));
        using var resident = fixture.App.ClientWith(null);
        var expired = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":true,"satisfaction":5}""");
        await expired.AssertProblem(410, "expired");
        var issue = await Get(_http, id);
        Assert.Equal("resolved", issue["status"].Str());
        Assert.Null(issue["confirmLink"]);
    }

    [Fact]
    public async Task Open311Confirm_WithTheReportersKey_ReopensTheRequest_AndBadInputIsAnOpen311Error()
    {
        var (id, _) = await Resolved();
        async Task<HttpResponseMessage> Post(params (string, string)[] fields)
        {
            var form = new List<KeyValuePair<string, string>> { new("jurisdiction_id", County.Code), new("api_key", fixture.ReporterSecret) };
            form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
            using var anyone = fixture.App.ClientWith(null);
            return await anyone.PostAsync($"/open311/v2/requests/{id}/confirm.json", new FormUrlEncodedContent(form));
        }

        var bad = await Post(("settled", "false"), ("satisfaction", "9"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("satisfaction", (await bad.Json())[0]!["description"].Str());
        Assert.Equal("resolved", (await Get(_http, id))["status"].Str());

        var answered = await Post(("settled", "false"), ("satisfaction", "2"), ("comment", "还在漏水"));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("open", (await answered.Json())[0]!["status"].Str());
        Assert.Equal("reopened", (await Get(_http, id))["status"].Str());

        var notNow = await Post(("settled", "true"), ("satisfaction", "5"));
        Assert.Equal(HttpStatusCode.Conflict, notNow.StatusCode);
        Assert.Contains("reopened", (await notNow.Json())[0]!["description"].Str());
    }
}

/// <summary>A confirmation link's single use is stored with the issue, so a restart does not make it work again.</summary>
public sealed class ConfirmLinkRestartTests
{
    [Fact]
    public async Task AUsedLink_StaysUsedAfterARestart_AndALinkOfAnEarlierResolutionIsGone()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid);
        await Act(http, id, "accept");
        var earlier = (await Act(http, id, "resolve", """{"note":"已调解"}"""))["confirmLink"].Str().Split('#')[1];
        await Act(http, id, "reopen", """{"note":"复核未通过"}""");
        await Act(http, id, "accept");
        var token = (await Act(http, id, "resolve", """{"note":"再次调解"}"""))["confirmLink"].Str().Split('#')[1];
        Assert.NotEqual(earlier, token);
        using (var resident = first.ClientWith(null))
        {
            var superseded = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{earlier}}","settled":false,"satisfaction":1}""");
            await superseded.AssertProblem(410, "earlier resolution");
            Assert.Equal("resolved", (await Get(http, id))["status"].Str());
            var used = await resident.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":true,"satisfaction":4}""");
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        using var after = second.ClientWith(null);
        var twice = await after.PostJson("/public/v1/confirm", $$"""{"token":"{{token}}","settled":false,"satisfaction":1}""");
        await twice.AssertProblem(410, "already used");
        var issue = await Get(again, id);
        Assert.Equal("closed", issue["status"].Str());
        Assert.Equal(4, issue["satisfaction"]!.GetValue<int>());
    }
}
