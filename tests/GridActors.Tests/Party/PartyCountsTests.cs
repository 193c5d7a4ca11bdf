using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

/// <summary>
/// A Party network built by hand in a county of its own (340823, beside the shared test county), counted at
/// village, township and county, with the posts each grid leaves uncovered and the post-holders an accepted
/// issue suggests. Nothing else touches this county, so the counts are exact.
/// </summary>
[Collection(PartyCollection.Name)]
public sealed class PartyCountsTests(PartyFixture fixture)
{
    private const string Code = "340823";
    private const string Township = "340823100";
    private const string Village = "340823100201";
    private const string Village2 = "340823100202";
    private const string Grid = "340823100201003";
    private const string Grid2 = "340823100201004";
    private const string Grid3 = "340823100202001";

    private readonly HttpClient _http = fixture.Http;

    private Task<Dictionary<string, string>> World => fixture.Once("counts-county", Build);

    private async Task<Dictionary<string, string>> Build()
    {
        foreach (var (url, json) in new[]
        {
            ($"/api/v1/counties/{Code}", """{"name":"太湖县"}"""),
            ($"/api/v1/townships/{Township}", """{"name":"晋熙镇"}"""),
            ($"/api/v1/villages/{Village}", """{"name":"朱屋村","kind":"village"}"""),
            ($"/api/v1/villages/{Village2}", """{"name":"城西社区","kind":"community"}"""),
            ($"/api/v1/grids/{Grid}", """{"name":"朱屋网格"}"""),
            ($"/api/v1/grids/{Grid2}", """{"name":"余屋网格"}"""),
            ($"/api/v1/grids/{Grid3}", """{"name":"城西一网格"}"""),
        })
        {
            (await _http.PutJson(url, json)).EnsureSuccessStatusCode();
        }
        var ids = new Dictionary<string, string>
        {
            // 朱屋网格: a leader with an office, a migrant information collector, a mediator, an elderly sanitation keeper.
            ["l1"] = (await Created(await _http.PostJson("/api/v1/members", MemberJson(Grid, "朱组长", holdsOffice: true))))["id"].Str(),
            ["m2"] = await CreateMember(_http, Grid, "朱外出", status: "migrant"),
            ["m3"] = await CreateMember(_http, Grid, "朱调解"),
            ["m4"] = await CreateMember(_http, Grid, "朱老党员", status: "elderly"),
            // 余屋网格: a leader and a member of other status. 城西一网格: a member, no group.
            ["l2"] = await CreateMember(_http, Grid2, "余组长"),
            ["m5"] = await CreateMember(_http, Grid2, "余其他", status: "other"),
            ["m6"] = await CreateMember(_http, Grid3, "城西党员"),
        };
        await SetUpGroup(_http, Grid, ids["l1"]);
        await SetUpGroup(_http, Grid2, ids["l2"]);
        await ClaimPost(_http, ids["m2"], "InformationCollector");
        await ClaimPost(_http, ids["m3"], "DisputeMediator", "democratic");
        await ClaimPost(_http, ids["m4"], "SanitationKeeper");
        await Created(await _http.PostJson($"/api/v1/grids/{Grid}/party-group/activities",
            $$"""{"date":"2026-03-01","kind":"contactingResidents","topic":"走访联系户","attendees":["{{ids["l1"]}}","{{ids["m3"]}}"]}"""));
        return ids;
    }

    [Fact]
    public async Task Counts_AtVillageTownshipAndCounty_AddUpTheGroups()
    {
        await World;
        var village = await _http.GetJson($"/api/v1/villages/{Village}/party-group");
        Assert.Equal((2, 2, 4), (Int(village, "grids"), Int(village, "groupsSetUp"), Int(village, "instructors")));
        Assert.Empty(village["gridsWithoutGroup"]!.AsArray());
        Assert.Equal((6, 3, 1, 1, 1, 5), (Int(village, "members"), Int(village, "resident"), Int(village, "migrant"), Int(village, "elderly"), Int(village, "otherStatus"), Int(village, "withoutOffice")));
        Assert.Equal((3, 16, 3, 0), (Int(village, "postHolders"), Int(village, "postSlots"), Int(village, "postsCovered"), Int(village, "groupsWithAllPostsCovered")));
        Assert.Equal((1, 0, "2026-03"), (Int(village, "groupsWithActivityInMonth"), Int(village, "groupsFlaggedInMonth"), village["month"].Str()));

        // Above the village the counts are pushed up from the grids after each write, the list of grids without a group
        // in a batch of its own: read once both arrived.
        var township = await Eventually.Get(() => _http.GetJson($"/api/v1/townships/{Township}/party-group"),
            t => Int(t, "groupsSetUp") == 2 && Int(t, "members") == 7 && t["gridsWithoutGroup"]!.AsArray().Count == 1, "the township's counts");
        Assert.Equal((3, 2, 7, 4), (Int(township, "grids"), Int(township, "groupsSetUp"), Int(township, "members"), Int(township, "resident")));
        Assert.Equal([Grid3], township["gridsWithoutGroup"].Strings());
        var county = await Eventually.Get(() => _http.GetJson($"/api/v1/counties/{Code}/party-group"),
            c => Int(c, "groupsSetUp") == 2 && Int(c, "members") == 7, "the county's counts");
        Assert.Equal((3, 2, 7, "county"), (Int(county, "grids"), Int(county, "groupsSetUp"), Int(county, "members"), county["level"].Str()));

        var february = await _http.GetJson($"/api/v1/villages/{Village}/party-group?month=2026-02");
        Assert.Equal(0, Int(february, "groupsWithActivityInMonth"));
    }

    [Fact]
    public async Task AVillage_ShowsWhichPostsAreUncoveredInWhichGrids()
    {
        await World;
        var grids = (await _http.GetJson($"/api/v1/villages/{Village}/post-coverage")).Items();
        Assert.Equal([Grid, Grid2], grids.Select(g => g!["grid"].Str()).ToArray());
        var zhu = grids[0]!;
        Assert.Equal(["securityPatroller", "policyPromoter", "cultureSportsOrganizer", "careHelper", "disciplineSupervisor"], zhu["uncovered"].Strings());
        var mediator = zhu["posts"]!.AsArray().Single(p => p!["post"].Str() == "disputeMediator")!["holders"]![0]!;
        Assert.Equal(("朱调解", "democratic"), (mediator["name"].Str(), mediator["recommendation"].Str()));
        Assert.Equal(8, grids[1]!["uncovered"]!.AsArray().Count);
        await (await _http.GetAsync("/api/v1/villages/340823100299/post-coverage")).AssertProblem(404);
    }

    [Fact]
    public async Task AcceptingAnIssue_SuggestsTheGridsHoldersOfTheCategorysPost()
    {
        var ids = await World;
        var dispute = await IssueApi.Report(_http, Grid, "neighbour-dispute");
        Assert.Null((await IssueApi.Get(_http, dispute))["suggestedPostHolders"]);
        var accepted = await IssueApi.Act(_http, dispute, "accept");
        var holder = accepted["suggestedPostHolders"]!.AsArray().Single()!;
        Assert.Equal((ids["m3"], "朱调解", "disputeMediator"), (holder["memberId"].Str(), holder["name"].Str(), holder["post"].Str()));
        Assert.Equal(ids["m3"], (await IssueApi.Get(_http, dispute))["suggestedPostHolders"]![0]!["memberId"].Str());

        // A post nobody holds in the grid suggests nobody; the issue is accepted all the same.
        var hazard = await IssueApi.Report(_http, Grid, "safety-hazard");
        Assert.Empty((await IssueApi.Act(_http, hazard, "accept"))["suggestedPostHolders"]!.AsArray());
    }

    [Fact]
    public async Task Compliance_DuringTheMonth_ShowsWhoHeldWhatAndWhoIsPending()
    {
        await World;
        var rows = (await _http.GetJson($"/api/v1/townships/{Township}/activity-compliance?month=2026-03")).Items();
        Assert.Equal([("held", Village), ("pending", Village), ("notSetUp", Village2)],
            rows.Select(r => (r!["status"].Str(), r["village"].Str())).ToArray());
        var held = rows[0]!["activities"]![0]!;
        Assert.Equal(("contactingResidents", 2), (held["kind"].Str(), held["attendance"]!.GetValue<int>()));
        await (await _http.GetAsync($"/api/v1/villages/{Village}/activity-compliance?month=March")).AssertInvalid("month", "YYYY-MM");
        await (await _http.GetAsync($"/api/v1/counties/{Code}/activity-compliance")).AssertProblem(404);
    }

    private static int Int(System.Text.Json.Nodes.JsonNode node, string name) => node[name]!.GetValue<int>();
}
