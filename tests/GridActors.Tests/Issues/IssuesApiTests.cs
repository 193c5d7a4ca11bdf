using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

public sealed class IssuesApiFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class IssuesApiTests(IssuesApiFixture fixture) : IClassFixture<IssuesApiFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Report_Answers201WithLocationAndId_AndTheIssueReadsBackWithItsHistory()
    {
        var response = await _http.PostJson($"/api/v1/grids/{County.Grid}/issues", """
            {"category":"living-environment","title":"无功能建筑拆除","description":"废弃猪圈影响村容",
             "location":{"lat":30.61,"long":116.55,"address":"董屋组12号旁"},
             "reporter":{"name":"李四","phone":"13900000000"},
             "attachments":[
               {"kind":"drawing","url":"https://files.example.cn/a.pdf","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","caption":"原建筑尺寸图纸"},
               {"kind":"photo","url":"https://files.example.cn/b.jpg","sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","caption":"原建筑图片"},
               {"kind":"certificate","url":"https://files.example.cn/c.pdf","sha256":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","caption":"社区证明"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Json();
        var id = created["id"].Str();
        Assert.Equal($"/api/v1/issues/{id}", response.Headers.Location?.OriginalString);

        var issue = await Get(_http, id);
        Assert.Equal("reported", issue["status"].Str());
        Assert.Equal(County.Grid, issue["holder"]!["code"].Str());
        Assert.Equal(3, issue["attachments"]!.AsArray().Count);
        Assert.Equal("certificate", issue["attachments"]![2]!["kind"].Str());
        Assert.Equal(fixture.App.Clock.GetUtcNow().AddDays(3), issue["deadline"]!.GetValue<DateTimeOffset>());
        var entry = issue["history"]![0]!;
        Assert.Equal(("reported", County.Grid, "grid"), (entry["to"].Str(), entry["unit"].Str(), entry["level"].Str()));
    }

    /// <summary>
    /// A report's next action comes minutes or hours later: once its notices are delivered the issue leaves memory
    /// (kept, every report outlived a garbage collection and the promotions made the longest pauses, 70-90 ms at 3,600
    /// reports a second), and the next call reads it back from storage.
    /// </summary>
    [Fact]
    public async Task AReportedIssue_LeavesMemoryOnceAnnounced_AndIsReadBackWhenNext()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var id = await Report(http, County.Grid, title: "路灯不亮");

        var management = app.Service<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await Eventually.Get(async () => (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.StartsWith("GridActors.Grains.Issues.IssueGrain,", StringComparison.Ordinal)).Sum(s => s.ActivationCount),
            count => count == 0, "the reported issue to leave memory");

        Assert.Equal("reported", (await Get(http, id))["status"].Str());
        Assert.Equal("accepted", (await Act(http, id, "accept"))["status"].Str());
        Assert.Equal([id], await Queue(http, "grids", County.Grid));
    }

    [Fact]
    public async Task IdempotencyKey_RetriedPost_ReturnsTheFirstIssue_AndAnotherBodyIs422()
    {
        var first = await Report(_http, County.Grid2, title: "路灯不亮", key: "app-42-req-1");
        var retry = await _http.PostJson($"/api/v1/grids/{County.Grid2}/issues",
            """{"category":"neighbour-dispute","title":"路灯不亮","description":"两户因宅基地边界争执","reporter":{"name":"张三","phone":"13800000000"},"by":"网格员"}""",
            "app-42-req-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first, (await retry.Json())["id"].Str());
        Assert.Single(await Queue(_http, "grids", County.Grid2), q => q == first);

        var misuse = await _http.PostJson($"/api/v1/grids/{County.Grid2}/issues", """{"category":"other","title":"别的事"}""", "app-42-req-1");
        await misuse.AssertProblem(422);
    }

    /// <summary>
    /// A report is stored without its issue in memory (the intake writes the row). An app that read the issue's id
    /// before reporting it (the id follows from the grid and the Idempotency-Key) had the issue activated with no row:
    /// that activation must not go on answering "no such issue" once the report is stored.
    /// </summary>
    [Fact]
    public async Task AnIssueReadBeforeItWasReported_ReadsBackAndActs_OnceReported()
    {
        var id = GridActors.Gateway.Apis.IssuesApi.IdFromKey(County.Grid2, GridActors.Gateway.Apis.IdempotencyScope.For("bootstrap", "app-42-read-first")).ToString();
        await (await _http.GetAsync($"/api/v1/issues/{id}")).AssertProblem(404);
        await (await _http.PostJson($"/api/v1/issues/{id}/accept", "{}")).AssertProblem(404);

        Assert.Equal(id, await Report(_http, County.Grid2, title: "井盖缺失", key: "app-42-read-first"));
        Assert.Equal("reported", (await Get(_http, id))["status"].Str());
        Assert.Equal("accepted", (await Act(_http, id, "accept"))["status"].Str());
        Assert.Contains(id, await Queue(_http, "grids", County.Grid2));
    }

    [Theory]
    [InlineData("""{"title":"t"}""", "category", "is required")]
    [InlineData("""{"category":"no-such","title":"t"}""", "category", "is not in the catalogue of county 340822")]
    [InlineData("""{"category":"other"}""", "title", "is required")]
    [InlineData("""{"category":"other","title":"t","location":{"lat":91,"long":116}}""", "location.lat", "[-90, 90]")]
    [InlineData("""{"category":"other","title":"t","location":{"lat":30}}""", "location.long", "come together")]
    [InlineData("""{"category":"other","title":"t","reporter":{"name":"a","phone":"x"}}""", "reporter.phone", "digits")]
    [InlineData("""{"category":"other","title":"t","attachments":[{"kind":"video","url":"https://a/b","sha256":"00"}]}""", "attachments[0].kind", "must be one of: drawing, photo, certificate, other")]
    [InlineData("""{"category":"other","title":"t","attachments":[{"kind":"photo","url":"ftp://a/b","sha256":"00"}]}""", "attachments[0].url", "http or https")]
    [InlineData("""{"category":"other","title":"t","attachments":[{"kind":"photo","url":"https://a/b","sha256":"00"}]}""", "attachments[0].sha256", "64 hexadecimal")]
    [InlineData("""{"category":"other","title":"t","priority":1}""", "priority", "is not a known field")]
    [InlineData("""{"category":"other","title":"t","by":"Open311 12345热线"}""", "by", "marks reports made through Open311")]
    public async Task Report_BadInput_Is400NamingTheField_AndCreatesNothing(string json, string field, string rule)
    {
        var before = (await Queue(_http, "grids", County.Grid3)).Length;
        var response = await _http.PostJson($"/api/v1/grids/{County.Grid3}/issues", json);
        await response.AssertInvalid(field, rule);
        Assert.Equal(before, (await Queue(_http, "grids", County.Grid3)).Length);
    }

    [Fact]
    public async Task Report_DescriptionOver4000Characters_Is400()
    {
        var response = await _http.PostJson($"/api/v1/grids/{County.Grid3}/issues", $$"""{"category":"other","title":"t","description":"{{new string('长', 4001)}}"}""");
        await response.AssertInvalid("description", "at most 4000 characters");
    }

    [Fact]
    public async Task Report_AtAnUnknownGrid_Is404_AndAtAMalformedCode400_AndTakenOnceTheGridIsRegistered()
    {
        await (await _http.PostJson("/api/v1/grids/340822100201099/issues", """{"category":"other","title":"t"}""")).AssertProblem(404);
        await (await _http.PostJson("/api/v1/grids/340822100201/issues", """{"category":"other","title":"t"}""")).AssertInvalid("code", "a grid code has 15 digits");

        // The intake remembers grids found registered, never grids found missing.
        Assert.True((await _http.PutJson("/api/v1/grids/340822100201099", """{"name":"新网格"}""")).IsSuccessStatusCode);
        var id = await Report(_http, "340822100201099", title: "新网格的第一件事");
        Assert.Equal("340822100201099", (await Get(_http, id))["holder"]!["code"].Str());
    }

    [Fact]
    public async Task IllegalTransition_Is409NamingTheCurrentState()
    {
        var id = await Report(_http, County.Grid3);
        var response = await _http.PostJson($"/api/v1/issues/{id}/close", """{"satisfaction":5}""");
        await response.AssertProblem(409, "cannot close an issue that is reported");
        Assert.Equal("reported", (await response.Json())["currentState"].Str());
        Assert.Equal("reported", (await Get(_http, id))["status"].Str());
    }

    [Theory]
    [InlineData("escalate", "{}", "note", "is required")]
    [InlineData("resolve", "{}", "note", "is required")]
    [InlineData("assign", "{}", "memberId", "is required")]
    [InlineData("close", """{"satisfaction":6}""", "satisfaction", "1 to 5")]
    [InlineData("hand-down", """{"note":"n","to":"123"}""", "to", "digits")]
    [InlineData("duplicate", """{"of":"nope"}""", "of", "the id of the original issue")]
    [InlineData("accept", """{"satisfaction":3}""", "satisfaction", "does not apply to accept")]
    public async Task Action_BadInput_Is400NamingTheField(string action, string json, string field, string rule)
    {
        var id = await Report(_http, County.Grid3);
        await (await _http.PostJson($"/api/v1/issues/{id}/{action}", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task Actions_OnUnknownOrMalformedIssueIds_Are404And400()
    {
        await (await _http.PostJson($"/api/v1/issues/{Guid.NewGuid()}/accept", "{}")).AssertProblem(404);
        await (await _http.GetAsync($"/api/v1/issues/{Guid.NewGuid()}")).AssertProblem(404);
        await (await _http.GetAsync("/api/v1/issues/not-a-guid")).AssertInvalid("id", "GUID");
    }

    [Fact]
    public async Task Duplicate_LinksTheOriginal_AndHandDownRejectsANonChild()
    {
        var original = await Report(_http, County.Grid3, title: "原件");
        var copy = await Report(_http, County.Grid3, title: "重复件");
        var closed = await Act(_http, copy, "duplicate", $$"""{"of":"{{original}}"}""");
        Assert.Equal("duplicate", closed["status"].Str());
        Assert.Equal(original, closed["duplicateOf"].Str());
        await (await _http.PostJson($"/api/v1/issues/{original}/duplicate", $$"""{"of":"{{original}}"}""")).AssertInvalid("of", "cannot duplicate itself");

        await Act(_http, original, "escalate", """{"note":"上报"}""");
        await (await _http.PostJson($"/api/v1/issues/{original}/hand-down", $$"""{"note":"n","to":"{{County.Grid}}"}"""))
            .AssertInvalid("to", "directly under village 340822100202");
    }

    [Fact]
    public async Task Queue_FiltersByStatus_AndPagesWithACursor()
    {
        const string grid = "340822100202009";
        await _http.PutJson($"/api/v1/grids/{grid}", """{"name":"分页网格"}""");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Report(_http, grid, title: $"事件{i}"));
            fixture.App.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await Act(_http, ids[0], "accept");
        await Act(_http, ids[0], "resolve", """{"note":"已处理"}""");

        Assert.Equal(ids.Skip(1), await Queue(_http, "grids", grid, "?status=open"));
        Assert.Equal([ids[0]], await Queue(_http, "grids", grid, "?status=done"));
        Assert.Equal([ids[0]], await Queue(_http, "grids", grid, "?status=resolved"));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _http.GetJson($"/api/v1/grids/{grid}/issues?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"].Str()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.Equal(ids, seen);

        await (await _http.GetAsync($"/api/v1/grids/{grid}/issues?cursor=@@")).AssertInvalid("cursor", "nextCursor");
        await (await _http.GetAsync($"/api/v1/grids/{grid}/issues?limit=500")).AssertInvalid("limit", "1 to 200");
        await (await _http.GetAsync($"/api/v1/grids/{grid}/issues?status=sleeping")).AssertInvalid("status", "open, done, all");
    }

    [Fact]
    public async Task Categories_DefaultCatalogueExists_AndACountyCanChangeIt()
    {
        var list = await _http.GetJson($"/api/v1/counties/{County.Code}/categories");
        var codes = list["items"]!.AsArray().Select(c => c!["code"].Str()).ToArray();
        Assert.Equal(["infrastructure", "living-environment", "neighbour-dispute", "other", "policy-consultation", "public-security", "request-for-help", "safety-hazard"], codes);
        Assert.Equal("P3D", list["items"]![1]!["deadlines"]!["grid"].Str());

        var put = await _http.PutJson($"/api/v1/counties/{County.Code}/categories/flood",
            """{"name":"汛期险情","deadlines":{"grid":"PT2H","village":"PT6H","township":"P1D","county":"P2D"},"lowestLevel":"village","suggestedPost":"SecurityPatroller"}""");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var flood = (await _http.GetJson($"/api/v1/counties/{County.Code}/categories"))["items"]!.AsArray().Single(c => c!["code"].Str() == "flood")!;
        Assert.Equal(("PT2H", "village", "securityPatroller"), (flood["deadlines"]!["grid"].Str(), flood["lowestLevel"].Str(), flood["suggestedPost"].Str()));
    }

    [Theory]
    [InlineData("""{"name":"x","deadlines":{"grid":"3 days","village":"P7D","township":"P15D","county":"P30D"}}""", "deadlines.grid", "ISO 8601")]
    [InlineData("""{"name":"x","deadlines":{"grid":"PT30S","village":"P7D","township":"P15D","county":"P30D"}}""", "deadlines.grid", "between PT1M")]
    [InlineData("""{"name":"x"}""", "deadlines", "is required")]
    [InlineData("""{"name":"x","deadlines":{"grid":"P1D","village":"P7D","township":"P15D","county":"P30D"},"lowestLevel":"province"}""", "lowestLevel", "grid, village")]
    [InlineData("""{"name":"x","deadlines":{"grid":"P1D","village":"P7D","township":"P15D","county":"P30D"},"suggestedPost":"Chef"}""", "suggestedPost", "sanitationKeeper")]
    public async Task Category_BadInput_Is400NamingTheField(string json, string field, string rule)
    {
        await (await _http.PutJson($"/api/v1/counties/{County.Code}/categories/bad", json)).AssertInvalid(field, rule);
    }
}
