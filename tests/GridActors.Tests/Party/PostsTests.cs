using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

[Collection(PartyCollection.Name)]
public sealed class PostsTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Claim_RecordsSelfOrDemocraticRecommendation()
    {
        var self = await CreateMember(_http, County.Grid, "自荐董");
        var chosen = await CreateMember(_http, County.Grid, "推荐董");
        var a = await ClaimPost(_http, self, "sanitationKeeper");
        var b = await Ok(await _http.PutJson($"/api/v1/members/{chosen}/post",
            """{"post":"CareHelper","recommendation":"democratic","recommendedOn":"2026-02-20","note":"支部大会民主推荐"}"""));
        Assert.Equal(("sanitationKeeper", "self"), (a["post"]!["post"].Str(), a["post"]!["recommendation"].Str()));
        Assert.Equal(("careHelper", "democratic", "2026-02-20", "支部大会民主推荐"),
            (b["post"]!["post"].Str(), b["post"]!["recommendation"].Str(), b["post"]!["recommendedOn"].Str(), b["post"]!["note"].Str()));
    }

    [Theory]
    [InlineData("SanitationKeeper")]
    [InlineData("SecurityPatroller")]
    [InlineData("DisputeMediator")]
    [InlineData("CultureSportsOrganizer")]
    [InlineData("CareHelper")]
    [InlineData("DisciplineSupervisor")]
    public async Task AMigrant_CannotHoldAPostThatNeedsPresence_AndThe400SaysWhy(string post)
    {
        var away = await CreateMember(_http, County.Grid, "外出查", status: "migrant");
        var response = await _http.PutJson($"/api/v1/members/{away}/post", $$"""{"post":"{{post}}","recommendation":"self"}""");
        await response.AssertInvalid("post", "a migrant member away from the village (外出务工) cannot hold");
        await (await _http.PutJson($"/api/v1/members/{away}/post", $$"""{"post":"{{post}}","recommendation":"self"}""")).AssertInvalid("post", "done on the spot in the village");
    }

    [Theory]
    [InlineData("InformationCollector")]
    [InlineData("PolicyPromoter")]
    public async Task AMigrant_MayHoldAPostDoneByPhoneAndOnline(string post)
    {
        var away = await CreateMember(_http, County.Grid, "外出汪", status: "migrant");
        var member = await ClaimPost(_http, away, post);
        Assert.Equal(char.ToLowerInvariant(post[0]) + post[1..], member["post"]!["post"].Str());
    }

    [Fact]
    public async Task AMemberHoldsOnePost_ASecondIs409_UntilTheFirstIsReleased()
    {
        var id = await CreateMember(_http, County.Grid, "一岗董");
        await ClaimPost(_http, id, "PolicyPromoter");
        await (await _http.PutJson($"/api/v1/members/{id}/post", """{"post":"CareHelper","recommendation":"self"}""")).AssertProblem(409, "release it first");
        await (await _http.PutJson($"/api/v1/members/{id}/post", """{"post":"PolicyPromoter","recommendation":"self"}""")).AssertProblem(409, "already holds");

        var released = await Ok(await _http.DeleteAsync($"/api/v1/members/{id}/post?reason=换岗"));
        Assert.Null(released["post"]);
        Assert.Equal("换岗", released["postHistory"]![0]!["releaseReason"].Str());
        await ClaimPost(_http, id, "CareHelper");
        await (await _http.DeleteAsync($"/api/v1/members/{Guid.NewGuid()}/post")).AssertProblem(404);
    }

    [Theory]
    [InlineData("""{"recommendation":"self"}""", "post", "is required: one of: informationCollector")]
    [InlineData("""{"post":"Cook","recommendation":"self"}""", "post", "informationCollector")]
    [InlineData("""{"post":"3","recommendation":"self"}""", "post", "must be one of: informationCollector")]
    [InlineData("""{"post":"CareHelper"}""", "recommendation", "is required: one of: self, democratic")]
    [InlineData("""{"post":"CareHelper","recommendation":"self","recommendedOn":"1990-01-01"}""", "recommendedOn", "joined the Party")]
    public async Task Claim_BadInput_Is400(string json, string field, string rule)
    {
        var id = await CreateMember(_http, County.Grid, "错董");
        await (await _http.PutJson($"/api/v1/members/{id}/post", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task BecomingAMigrant_GivesUpAPostThatNeedsPresence_AndTheRecordSaysWhy()
    {
        var id = await CreateMember(_http, County.Grid2, "将外出汪");
        await ClaimPost(_http, id, "SecurityPatroller");
        var member = await Ok(await _http.PutJson($"/api/v1/members/{id}", MemberJson(County.Grid2, "将外出汪", status: "migrant")));
        Assert.Null(member["post"]);
        Assert.Contains("became a migrant", member["postHistory"]![0]!["releaseReason"].Str());
        var group = (await _http.GetJson($"/api/v1/grids/{County.Grid2}/members?limit=200")).Items().Single(m => m!["memberId"].Str() == id)!;
        Assert.Null(group["post"]);
    }

    [Fact]
    public async Task PostWork_IsLoggedAgainstThePostHeld_AndCounts()
    {
        var id = await CreateMember(_http, County.Grid, "巡逻董");
        var url = $"/api/v1/members/{id}/post-work";
        await (await _http.PostJson(url, """{"kind":"patrolRound","summary":"夜间巡逻"}""")).AssertProblem(409, "holds no post");
        await ClaimPost(_http, id, "SecurityPatroller");

        var first = await Created(await _http.PostJson(url, """{"kind":"patrolRound","summary":"夜间巡逻一圈，检查路灯"}""", "patrol-1"));
        Assert.Equal(("securityPatroller", "patrolRound", "2026-03-02"), (first["post"].Str(), first["kind"].Str(), first["date"].Str()));
        await Created(await _http.PostJson(url, """{"kind":"patrolRound","summary":"夜间巡逻一圈，检查路灯"}""", "patrol-1")); // a retry adds nothing
        await Created(await _http.PostJson(url, """{"kind":"other","summary":"协助村里清点物资"}"""));

        await (await _http.PostJson(url, """{"kind":"mediation","summary":"调解"}""")).AssertInvalid("kind", "is work of disputeMediator");
        await (await _http.PostJson(url, """{"kind":"patrolRound","summary":"x","date":"2026-03-01"}""")).AssertInvalid("date", "before the member took the post");
        await (await _http.PostJson(url, """{"kind":"patrolRound"}""")).AssertInvalid("summary", "is required");
        await (await _http.PostJson(url, """{"kind":"nap","summary":"x"}""")).AssertInvalid("kind", "patrolRound");
        await (await _http.PostJson(url, """{"kind":"patrolRound","summary":"x","issueId":"abc"}""")).AssertInvalid("issueId", "GUID");

        Assert.Equal(2, (await _http.GetJson(url)).Items().Count);
        var member = await _http.GetJson($"/api/v1/members/{id}");
        Assert.Equal((2, 2), (member["postWorkThisYear"]!.GetValue<int>(), member["postWorkTotal"]!.GetValue<int>()));
        var entry = (await _http.GetJson($"/api/v1/grids/{County.Grid}/members?limit=200")).Items().Single(m => m!["memberId"].Str() == id)!;
        Assert.Equal(2, entry["postWorkThisYear"]!.GetValue<int>());
    }
}
