using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Stars;

/// <summary>
/// 异议 during the notice period (公示): an upheld objection has the rating computed again from the records as they
/// now are, and the change is recorded and shown on the boards; a dismissed one leaves the rating as published.
/// </summary>
public sealed class StarObjectionTests
{
    private const int Year = 2026;

    /// <summary>Members are rated on pairing visits only (2 a pairing for full marks), so one record moves the stars.</summary>
    private const string VisitsRubric = """
        {"groupCriteria":[{"key":"turnout","name":"队伍好: 党员参加活动","source":"attendance","weight":100}],
         "memberCriteria":[{"key":"visits","name":"讲奉献、有作为: 联系帮扶走访","source":"pairingVisits","weight":100,"target":2}],
         "thresholds":[20,40,60,80],"noticeDays":7}
        """;

    [Fact]
    public async Task AnUpheldObjection_RecomputesTheRating_RecordsTheChange_AndMovesTheBoards_ADismissedOneChangesNothing()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        await Ok(await http.PutJson($"/api/v1/counties/{County.Code}/star-rubric?year={Year}", VisitsRubric));
        var leader = await CreateMember(http, County.Grid, "异董组长");
        var upheld = await CreateMember(http, County.Grid, "异董甲");
        var dismissed = await CreateMember(http, County.Grid, "异董乙");
        await SetUpGroup(http, County.Grid, leader);
        var upheldPairing = await Pairing(http, upheld, "董屋组5号");
        var dismissedPairing = await Pairing(http, dismissed, "董屋组6号");

        // Published with no visit logged: 0 of 2, 1 star each.
        await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
        Assert.Equal((0m, 1), Stars(await http.GetJson(StarsUrl(upheld))));

        // The visits were made but logged late; the published ratings do not move by themselves.
        foreach (var pairing in new[] { upheldPairing, dismissedPairing, upheldPairing, dismissedPairing })
        {
            await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/pairings/{pairing}/visits", """{"note":"上门走访"}"""));
        }
        Assert.Equal((0m, 1), Stars(await http.GetJson(StarsUrl(upheld))));

        // Upheld: computed again from today's records, 0 → 100, 1 → 5 stars, still provisional; the change is in the history.
        var upheldObjection = await File(http, upheld, "两次走访记录漏算了", "o1");
        // The same objection sent again under its Idempotency-Key is filed once; other words under that key are refused.
        var retried = await http.PostJson(StarsUrl(upheld, "/objections"), """{"by":"群众代表汪","text":"两次走访记录漏算了"}""", "o1");
        Assert.Equal(System.Net.HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", Assert.Single(retried.Headers.GetValues("Idempotent-Replayed")));
        Assert.Single((await http.GetJson(StarsUrl(upheld)))["objections"]!.AsArray());
        await (await http.PostJson(StarsUrl(upheld, "/objections"), """{"by":"群众代表汪","text":"另一件事"}""", "o1")).AssertProblem(422, "Idempotency-Key");
        var afterUpheld = await Ok(await http.PostJson($"{StarsUrl(upheld, "/objections/" + upheldObjection + "/answer")}",
            """{"answer":"经核实，三月两次走访属实，重新计算","upheld":true,"by":"村党支部"}"""));
        Assert.Equal((100m, 5), Stars(afterUpheld));
        Assert.Equal("provisional", afterUpheld["status"].Str());
        Assert.Equal(2, afterUpheld["facts"]!["pairingVisits"]!.GetValue<int>());
        Assert.True(afterUpheld["objections"]![0]!["upheld"]!.GetValue<bool>());
        Assert.Equal("村党支部", afterUpheld["objections"]![0]!["answeredBy"].Str());
        var history = afterUpheld["history"]!.AsArray().Select(h => h!["what"].Str()).ToArray();
        Assert.Equal(4, history.Length);
        Assert.StartsWith("published as provisional (公示) with 1 stars", history[0]);
        Assert.Equal(["objection (异议) filed", "objection upheld"], history[1..3]);
        Assert.StartsWith("computed again after the objection: 1 → 5 stars, score 0", history[3]);
        Assert.Equal((100m, 5), Stars(await http.GetJson(StarsUrl(upheld))));

        // Dismissed: the same new records, but the published rating stands and nothing is computed again.
        var dismissedObjection = await File(http, dismissed, "走访次数少算了");
        var afterDismissed = await Ok(await http.PostJson($"{StarsUrl(dismissed, "/objections/" + dismissedObjection + "/answer")}",
            """{"answer":"公示时的记录为准，走访在公示后才登记","upheld":false,"by":"村党支部"}"""));
        Assert.Equal((0m, 1), Stars(afterDismissed));
        Assert.False(afterDismissed["objections"]![0]!["upheld"]!.GetValue<bool>());
        Assert.Contains(afterDismissed["history"]!.AsArray(), h => h!["what"].Str() == "objection answered, not upheld");
        Assert.DoesNotContain(afterDismissed["history"]!.AsArray(), h => h!["what"].Str().StartsWith("computed again", StringComparison.Ordinal));

        // The boards show the upheld change: the village at once, the county once summed up the tree.
        var village = await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}");
        Assert.Equal(5, village["members"]!.AsArray().Single(m => m!["id"].Str() == upheld)!["stars"]!.GetValue<int>());
        Assert.Equal(1, village["members"]!.AsArray().Single(m => m!["id"].Str() == dismissed)!["stars"]!.GetValue<int>());
        Assert.Equal("[2,0,0,0,1]", village["memberDistribution"]!.ToJsonString()); // the leader (no pairing: no base) and the dismissed one at 1
        Assert.Equal(0, village["openObjections"]!.GetValue<int>());
        var county = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/star-board?year={Year}"),
            b => b["memberDistribution"]!.ToJsonString() == "[2,0,0,0,1]", "the county board to show the upheld change");
        Assert.Equal(upheld, county["members"]![0]!["id"].Str()); // highest score first within the village

        // After the notice period: final as recomputed, and final as published.
        app.Clock.Advance(TimeSpan.FromDays(8));
        var final = await http.GetJson(StarsUrl(upheld));
        Assert.Equal(("final", 5), (final["status"].Str(), final["stars"]!.GetValue<int>()));
        Assert.Contains(final["history"]!.AsArray(), h => h!["what"].Str() == "final (已确定) with 5 stars");
        Assert.Equal(("final", 1), ((await http.GetJson(StarsUrl(dismissed)))["status"].Str(), (await http.GetJson(StarsUrl(dismissed)))["stars"]!.GetValue<int>()));
        Assert.All((await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}"))["members"]!.AsArray(), m => Assert.Equal("final", m!["status"].Str()));
    }

    [Fact]
    public async Task AnObjectionWhileOpen_KeepsTheRatingProvisionalPastTheNotice_AndTheBoardCountsIt()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var leader = await CreateMember(http, County.Grid, "异董组长");
        await SetUpGroup(http, County.Grid, leader);
        await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
        var objection = await File(http, leader, "组织生活记录不全");
        Assert.Equal(1, (await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}"))["openObjections"]!.GetValue<int>());

        app.Clock.Advance(TimeSpan.FromDays(8));
        var board = await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}");
        Assert.Equal("provisional", board["members"]![0]!["status"].Str());
        Assert.Equal("final", board["groups"]![0]!["status"].Str());

        var answered = await Ok(await http.PostJson(StarsUrl(leader, $"/objections/{objection}/answer"), """{"answer":"已补录","upheld":false}"""));
        Assert.Equal(app.Clock.GetUtcNow(), answered["finalisedAt"]!.GetValue<DateTimeOffset>()); // final when the last objection was answered
        board = await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}");
        Assert.Equal(("final", 0), (board["members"]![0]!["status"].Str(), board["openObjections"]!.GetValue<int>()));
    }

    private static string StarsUrl(string member, string tail = "") => $"/api/v1/members/{member}/stars{tail}?year={Year}";

    private static (decimal Score, int Stars) Stars(JsonNode rating) => (rating["score"]!.GetValue<decimal>(), rating["stars"]!.GetValue<int>());

    private static async Task<string> File(HttpClient http, string member, string text, string? idempotencyKey = null)
    {
        var filed = await Created(await http.PostJson(StarsUrl(member, "/objections"), $$"""{"by":"群众代表汪","text":"{{text}}"}""", idempotencyKey));
        return filed["objections"]!.AsArray()[^1]!["id"].Str();
    }

    private static async Task<string> Pairing(HttpClient http, string member, string address)
    {
        var household = (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/households",
            $$"""{"head":"王大妈","address":"{{address}}","phone":"13800001111","size":2,"needs":["elderlyCare"],"vulnerable":true,"memberIds":[],"partyMemberHome":false,"central":false,"servedHouseholds":[]}""")))["id"].Str();
        return (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/pairings", $$"""{"householdId":"{{household}}","memberId":"{{member}}"}""")))["id"].Str();
    }
}
