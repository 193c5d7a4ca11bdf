using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

/// <summary>
/// Grid leaders (网格长) and workers (网格员) as records linked to members and cadres, and survey visits (摸排) whose findings
/// become issues. Each test registers a grid of its own, so the collection's other tests never share its people or households.
/// </summary>
[Collection(PartyCollection.Name)]
public sealed class GridStaffTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    private static int s_next = 60;

    private async Task<string> NewGrid(string village = County.Village)
    {
        var grid = $"{village}{Interlocked.Increment(ref s_next):D3}";
        var response = await _http.PutJson($"/api/v1/grids/{grid}", """{"name":"摸排网格"}""");
        Assert.True(response.IsSuccessStatusCode, $"PUT grid {grid}: {(int)response.StatusCode}");
        return grid;
    }

    private static IEnumerable<string> Roles(JsonNode person) => person["alsoHolds"]!.AsArray().Select(r => r!["role"].Str());

    [Fact]
    public async Task Leader_WhoIsAMemberLeadingTheGroupAndHoldingAPost_ReadsBackBothRolesFromTheirRecords()
    {
        var grid = await NewGrid();
        var member = await CreateMember(_http, grid, "董网格长");
        await SetUpGroup(_http, grid, member);
        await ClaimPost(_http, member, "securityPatroller");

        var put = await _http.PutJson($"/api/v1/grids/{grid}/leader", $$"""{"memberId":"{{member}}"}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var leader = await _http.GetJson($"/api/v1/grids/{grid}/leader");

        Assert.Equal("董网格长", leader["name"].Str());
        Assert.Equal("member", leader["link"].Str());
        Assert.Equal(member, leader["memberId"].Str());
        Assert.Contains("partyGroupLeader", Roles(leader));
        Assert.Contains("securityPatroller", Roles(leader));
        Assert.NotNull(leader["actor"]?["id"]);
    }

    [Fact]
    public async Task Leader_WhoIsACadre_ReadsBackTheCadreRolesOfTheTerm_AndAnUnknownCadreIs400()
    {
        var grid = await NewGrid(County.Village2);
        var term = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2024",
            """{"electedOn":"2024-03-15","cadres":[{"name":"汪书记","gender":"male","birthDate":"1975-03-08","education":"college","partyMember":true,"roles":["branchSecretary","villageDirector"]}]}""");
        Assert.True(term.IsSuccessStatusCode, $"PUT term: {(int)term.StatusCode} {await term.Content.ReadAsStringAsync()}");

        await (await _http.PutJson($"/api/v1/grids/{grid}/leader", """{"cadre":{"name":"查无此人","term":2024}}""")).AssertInvalid("cadre.name", "no cadre named 查无此人");
        var put = await _http.PutJson($"/api/v1/grids/{grid}/leader", """{"cadre":{"name":"汪书记"}}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var leader = await _http.GetJson($"/api/v1/grids/{grid}/leader");

        Assert.Equal("cadre", leader["link"].Str());
        Assert.Equal(2024, leader["cadre"]!["term"]!.GetValue<int>());
        Assert.Contains("branchSecretary", Roles(leader));
        Assert.Contains("villageDirector", Roles(leader));
    }

    [Fact]
    public async Task Worker_StandingAlone_IsListedWithNameKindAndPhone_AndNeedsAPhone()
    {
        var grid = await NewGrid();
        await (await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"查兼职","kind":"partTime"}""")).AssertInvalid("phone", "is required");
        await (await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"查兼职","phone":"13955600077","kind":"sometimes"}""")).AssertInvalid("kind", "must be one of");

        var created = await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"查兼职","phone":"13955600077","kind":"partTime"}"""));
        var workers = (await _http.GetJson($"/api/v1/grids/{grid}/workers"))["items"]!.AsArray();

        var worker = Assert.Single(workers)!;
        Assert.Equal(created["id"].Str(), worker["id"].Str());
        Assert.Equal("standalone", worker["link"].Str());
        Assert.Equal("partTime", worker["kind"].Str());
        Assert.Equal("13955600077", worker["phone"].Str());
        Assert.Empty(worker["alsoHolds"]!.AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/grids/{grid}/workers/{worker["id"].Str()}?reason=调离")).StatusCode);
        Assert.Empty((await _http.GetJson($"/api/v1/grids/{grid}/workers"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Visit_WithAFinding_BecomesAnIssueThatNamesTheVisit_AndTheVisitNamesTheIssue_AndCoverageCounts()
    {
        var grid = await NewGrid();
        var category = await _http.PutJson($"/api/v1/counties/{County.Code}/categories/survey-hazard", """{"name":"安全隐患","deadlines":{"grid":"P3D","village":"P5D","township":"P7D","county":"P10D"}}""");
        Assert.True(category.IsSuccessStatusCode, $"PUT category: {(int)category.StatusCode} {await category.Content.ReadAsStringAsync()}");
        var worker = (await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"董专职","phone":"13955600088","kind":"fullTime"}""")))["id"].Str();
        var visited = (await Created(await _http.PostJson($"/api/v1/grids/{grid}/households", """{"head":"董大爷","address":"董屋组1号"}""")))["id"].Str();
        await Created(await _http.PostJson($"/api/v1/grids/{grid}/households", """{"head":"汪奶奶","address":"董屋组2号"}"""));
        var before = await _http.GetJson($"/api/v1/grids/{grid}/coverage");
        Assert.Equal(2, before["households"]!.GetValue<int>());
        Assert.Equal(0, before["visitedInMonth"]!.GetValue<int>());
        Assert.Equal(2, before["neverVisited"]!.GetValue<int>());

        await NotFoundNaming(await _http.PostJson($"/api/v1/grids/{grid}/visits", $$"""{"workerId":"{{Guid.NewGuid()}}","place":"村口桥"}"""), "workerId", "no worker");
        await (await _http.PostJson($"/api/v1/grids/{grid}/visits", $$"""{"workerId":"{{worker}}"}""")).AssertInvalid("householdId", "exactly one");
        var visit = await Created(await _http.PostJson($"/api/v1/grids/{grid}/visits",
            $$"""{"workerId":"{{worker}}","householdId":"{{visited}}","note":"独居老人","findings":["屋后电线老化裸露","院墙开裂"]}"""));
        var visitId = visit["id"].Str();
        Assert.Equal("董专职", visit["workerName"].Str());

        var issue = await Created(await _http.PostJson($"/api/v1/grids/{grid}/visits/{visitId}/findings/1/report", """{"category":"survey-hazard"}"""));
        Assert.Equal(visitId, issue["survey"]!["visitId"].Str());
        Assert.Equal(1, issue["survey"]!["finding"]!.GetValue<int>());
        Assert.Equal("屋后电线老化裸露", issue["title"].Str());
        var readIssue = await _http.GetJson($"/api/v1/issues/{issue["id"].Str()}");
        Assert.Equal(visitId, readIssue["survey"]!["visitId"].Str());
        var readVisit = await _http.GetJson($"/api/v1/grids/{grid}/visits/{visitId}");
        Assert.Equal(issue["id"].Str(), readVisit["findings"]![0]!["issueId"].Str());
        Assert.Null(readVisit["findings"]![1]!["issueId"]);

        // Reporting the same finding again reaches the same issue; another finding number that does not exist is 404.
        var again = await _http.PostJson($"/api/v1/grids/{grid}/visits/{visitId}/findings/1/report", """{"category":"survey-hazard"}""");
        Assert.Equal(issue["id"].Str(), (await Created(again))["id"].Str());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostJson($"/api/v1/grids/{grid}/visits/{visitId}/findings/3/report", """{"category":"survey-hazard"}""")).StatusCode);

        var after = await _http.GetJson($"/api/v1/grids/{grid}/coverage");
        Assert.Equal(1, after["visitedInMonth"]!.GetValue<int>());
        Assert.Equal(1, after["notVisitedInMonth"]!.GetValue<int>());
        Assert.Equal(1, after["neverVisited"]!.GetValue<int>());
        Assert.Equal(2, after["findingsInMonth"]!.GetValue<int>());
        Assert.Equal(1, after["findingsReported"]!.GetValue<int>());
        Assert.DoesNotContain(visited, after["neverVisitedHouseholds"]!.AsArray().Select(h => h.Str()));
    }

    [Fact]
    public async Task AnotherCountysKey_IsRefusedTheGridsPeopleAndVisits()
    {
        var grid = await NewGrid();
        await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"董专职","phone":"13955600099","kind":"fullTime"}"""));
        var secret = (await (await _http.PostJson("/api/v1/keys", """{"app":"潜山市","jurisdiction":"340823","roles":["reader","reporter","manager"]}""")).Json())["secret"].Str();
        var other = fixture.App.ClientWith(secret);

        // A unit outside the key's jurisdiction is answered as one that does not exist for reads, and refused for writes.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/grids/{grid}/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/grids/{grid}/coverage")).StatusCode);
        Assert.Contains((await other.PutJson($"/api/v1/grids/{grid}/leader", """{"name":"冒名","phone":"13900000000"}""")).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Contains((await other.PostJson($"/api/v1/grids/{grid}/visits", """{"workerId":"0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a","place":"桥"}""")).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Single((await _http.GetJson($"/api/v1/grids/{grid}/workers"))["items"]!.AsArray());
    }

    /// <summary>Asserts a 404 problem+json whose errors name <paramref name="field"/> with a rule containing <paramref name="rule"/>.</summary>
    private static async Task NotFoundNaming(HttpResponseMessage response, string field, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"expected 404, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors do not name '{field}': {body}");
        Assert.Contains(rule, errors[field]![0].Str());
    }

    private async Task<HttpClient> KeyOfTheCounty(string role)
    {
        var secret = (await (await _http.PostJson("/api/v1/keys", $$"""{"app":"摸排{{role}}","jurisdiction":"{{County.Code}}","roles":["{{role}}"]}""")).Json())["secret"].Str();
        return fixture.App.ClientWith(secret);
    }

    [Fact]
    public async Task Visit_NamingAWorkerOrAHouseholdOfAnotherGrid_Is404NamingTheField_AndRecordsNothing()
    {
        var grid = await NewGrid();
        var otherGrid = await NewGrid();
        var worker = (await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"董本格","phone":"13955600101","kind":"fullTime"}""")))["id"].Str();
        var otherWorker = (await Created(await _http.PostJson($"/api/v1/grids/{otherGrid}/workers", """{"name":"汪邻格","phone":"13955600102","kind":"partTime"}""")))["id"].Str();
        var otherHousehold = (await Created(await _http.PostJson($"/api/v1/grids/{otherGrid}/households", """{"head":"汪大爷","address":"汪屋组1号"}""")))["id"].Str();

        // Workers and households are kept per grid: one of the next grid is, for this grid, one that does not exist.
        await NotFoundNaming(await _http.PostJson($"/api/v1/grids/{grid}/visits", $$"""{"workerId":"{{otherWorker}}","place":"村口桥"}"""), "workerId", "no worker");
        await NotFoundNaming(await _http.PostJson($"/api/v1/grids/{grid}/visits", $$"""{"workerId":"{{worker}}","householdId":"{{otherHousehold}}"}"""),
            "householdId", "no household");
        Assert.Equal(0, (await _http.GetJson($"/api/v1/grids/{grid}/visits"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Workers_AreListedAPageAtATime()
    {
        var grid = await NewGrid();
        foreach (var (name, phone) in new[] { ("董一", "13955600111"), ("董二", "13955600112"), ("董三", "13955600113") })
        {
            await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", $$"""{"name":"{{name}}","phone":"{{phone}}","kind":"partTime"}"""));
        }
        var first = await _http.GetJson($"/api/v1/grids/{grid}/workers?limit=2");
        Assert.Equal(["董一", "董二"], first["items"]!.AsArray().Select(w => w!["name"].Str()));
        Assert.Equal(3, first["total"]!.GetValue<int>());
        var second = await _http.GetJson($"/api/v1/grids/{grid}/workers?limit=2&cursor={Uri.EscapeDataString(first["nextCursor"].Str())}");
        Assert.Equal(["董三"], second["items"]!.AsArray().Select(w => w!["name"].Str()));
        Assert.Null(second["nextCursor"]);
        await (await _http.GetAsync($"/api/v1/grids/{grid}/workers?limit=0")).AssertInvalid("limit", "");
    }

    [Fact]
    public async Task FindingReported_WithTheResidentWhoRaisedIt_CarriesThemAsReporter_MaskedUnlessTheCallerHandlesTheGrid()
    {
        var grid = await NewGrid();
        var worker = (await Created(await _http.PostJson($"/api/v1/grids/{grid}/workers", """{"name":"董巡查","phone":"13955600121","kind":"fullTime"}""")))["id"].Str();
        var visit = (await Created(await _http.PostJson($"/api/v1/grids/{grid}/visits", $$"""{"workerId":"{{worker}}","place":"村东路口","findings":["路灯不亮"]}""")))["id"].Str();
        var url = $"/api/v1/grids/{grid}/visits/{visit}/findings/1/report";
        const string body = """{"category":"neighbour-dispute","reporter":{"name":"董大妈","phone":"13955600077"}}""";

        await (await _http.PostJson(url, """{"category":"neighbour-dispute","reporter":{"name":"董大妈","phone":"123"}}""")).AssertInvalid("reporter.phone", "");
        using (var tooLong = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(body) })
        {
            tooLong.Headers.Add("Idempotency-Key", new string('k', 201));
            await (await _http.SendAsync(tooLong)).AssertInvalid("Idempotency-Key", "at most");
        }
        Assert.Null((await _http.GetJson($"/api/v1/grids/{grid}/visits/{visit}"))["findings"]![0]!["issueId"]);

        var ids = new List<string>();
        foreach (var attempt in new[] { "first", "retry" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(body) };
            request.Headers.Add("Idempotency-Key", "hotline-2026-03-02-00077");
            var response = await _http.SendAsync(request);
            ids.Add((await Created(response))["id"].Str());
            Assert.Equal(attempt == "retry", response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        }
        Assert.Equal(ids[0], ids[1]);

        // The reporter is personal data: a reader sees it masked, a handler of the county sees it whole.
        var masked = (await (await KeyOfTheCounty("reader")).GetJson($"/api/v1/issues/{ids[0]}"))["reporter"]!;
        Assert.Equal("139****0077", masked["phone"].Str());
        Assert.NotEqual("董大妈", masked["name"].Str());
        var shown = (await (await KeyOfTheCounty("handler")).GetJson($"/api/v1/issues/{ids[0]}"))["reporter"]!;
        Assert.Equal("董大妈", shown["name"].Str());
        Assert.Equal("13955600077", shown["phone"].Str());
    }

    [Fact]
    public async Task VillageInstructor_NamingACadreOfTheTerm_TakesTheRecordsName_AndACadreNotElectedIs400()
    {
        var grid = await NewGrid(County.Village2);
        var term = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2024",
            """{"electedOn":"2024-03-15","cadres":[{"name":"汪书记","gender":"male","birthDate":"1975-03-08","education":"college","partyMember":true,"roles":["branchSecretary","villageDirector"]}]}""");
        Assert.True(term.IsSuccessStatusCode, $"PUT term: {(int)term.StatusCode} {await term.Content.ReadAsStringAsync()}");
        var leader = await CreateMember(_http, grid, "汪组长");
        string Group(string cadre, bool townshipLinked = false) => System.Text.Json.JsonSerializer.Serialize(new
        {
            leaderId = leader,
            activityCenter = new { address = "汪屋组3号", atLeaderHome = true },
            instructors = new object[]
            {
                townshipLinked
                    ? new { name = "汪镇委", phone = "0556-4611234", unit = County.Township, cadre = new { name = "汪书记" } }
                    : new { name = "汪镇委", phone = "0556-4611234", unit = County.Township },
                new { phone = "13855622222", unit = County.Village2, cadre = new { name = cadre, term = 2024 } },
            },
        });
        var url = $"/api/v1/grids/{grid}/party-group";

        await (await _http.PutJson(url, Group("查无此人"))).AssertInvalid("instructors[1].cadre.name", "no cadre named 查无此人");
        await (await _http.PutJson(url, Group("汪书记", townshipLinked: true))).AssertInvalid("instructors[0].cadre", "township cadres have no records");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(url)).StatusCode);

        Assert.True((await _http.PutJson(url, Group("汪书记"))).IsSuccessStatusCode);
        var instructor = (await _http.GetJson(url))["instructors"]![1]!;
        Assert.Equal("汪书记", instructor["name"].Str());
        Assert.Equal(2024, instructor["cadre"]!["term"]!.GetValue<int>());
        Assert.Null((await _http.GetJson(url))["instructors"]![0]!["cadre"]);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
