using System.Net;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

[Collection(PartyCollection.Name)]
public sealed class MembersTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Create_ReadsBackWithItsCard_AndAnIdempotencyKeyReturnsTheFirstMember()
    {
        var json = MemberJson(County.Grid, "董春华", skills: ["electricalRepair", "养蜂"], services: ["ElderlyCare"], hours: 12, holdsOffice: false, gender: "female");
        var response = await _http.PostJson("/api/v1/members", json, "member-key-1");
        var created = await Created(response);
        var id = created["id"].Str();
        Assert.Equal($"/api/v1/members/{id}", response.Headers.Location?.OriginalString);

        var member = await _http.GetJson($"/api/v1/members/{id}");
        Assert.Equal(("董春华", "female", County.Grid, "resident"), (member["name"].Str(), member["gender"].Str(), member["grid"].Str(), member["status"].Str()));
        Assert.False(member["holdsOffice"]!.GetValue<bool>());
        Assert.Equal("13955600001", member["phone"].Str());
        Assert.Equal(["electricalRepair", "养蜂"], member["card"]!["technicalSkills"].Strings());
        Assert.Equal(["elderlyCare"], member["card"]!["willingness"]!["servicesOffered"].Strings()); // vocabulary tags are normalised
        Assert.Equal(12, member["card"]!["willingness"]!["hoursPerMonth"]!.GetValue<int>());
        Assert.Equal("1994-07-01", member["joinedPartyOn"].Str());

        var retry = await _http.PostJson("/api/v1/members", json, "member-key-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(id, (await retry.Json())["id"].Str());
        Assert.Single((await _http.GetJson($"/api/v1/grids/{County.Grid}/members?limit=200")).Items(), m => m!["name"].Str() == "董春华");

        var misuse = await _http.PostJson("/api/v1/members", MemberJson(County.Grid, "别人"), "member-key-1");
        await misuse.AssertProblem(422);
    }

    [Theory]
    [InlineData("name", "\"\"", "name", "is required")]
    [InlineData("gender", "\"x\"", "gender", "must be one of: male, female")]
    [InlineData("birthDate", "\"1968/05/01\"", "birthDate", "YYYY-MM-DD")]
    [InlineData("birthDate", "\"2030-01-01\"", "birthDate", "must not be in the future")]
    [InlineData("joinedPartyOn", "\"1980-01-01\"", "joinedPartyOn", "18th birthday")]
    [InlineData("education", "\"phd\"", "education", "must be one of: primary, junior, senior, vocational, college, bachelor, master, doctorate")]
    [InlineData("phone", "\"call me\"", "phone", "digits")]
    [InlineData("grid", "\"340822100201\"", "grid", "15 digits")]
    [InlineData("status", "\"abroad\"", "status", "must be one of: resident, migrant, elderly, other")]
    [InlineData("status", "0", "status", "wrong JSON type")]
    [InlineData("card", "{\"willingness\":{\"hoursPerMonth\":500}}", "card.willingness.hoursPerMonth", "from 0 to 200")]
    [InlineData("card", "{\"technicalSkills\":[\"legalAid\",\"LegalAid\"]}", "card.technicalSkills[1]", "must not repeat")]
    [InlineData("nickname", "\"x\"", "nickname", "is not a known field")]
    public async Task Create_BadInput_Is400NamingTheFieldAndTheRule(string field, string value, string errorField, string rule)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(MemberJson(County.Grid))!.AsObject();
        json[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        await (await _http.PostJson("/api/v1/members", json.ToJsonString())).AssertInvalid(errorField, rule);
    }

    [Fact]
    public async Task Create_InAGridThatIsNotRegistered_Is400_AndABadIdIs400_AndAnUnknownIdIs404()
    {
        await (await _http.PostJson("/api/v1/members", MemberJson("340822100201099"))).AssertInvalid("grid", "no grid 340822100201099 is registered");
        await (await _http.GetAsync("/api/v1/members/not-a-guid")).AssertInvalid("id", "GUID");
        await (await _http.GetAsync($"/api/v1/members/{Guid.NewGuid()}")).AssertProblem(404);
    }

    [Fact]
    public async Task Update_ReplacesDetails_ChecksIfMatch_AndRefusesAGridChange()
    {
        var id = await CreateMember(_http, County.Grid, "汪国平");
        var updated = await Ok(await _http.SendAsync(Request(HttpMethod.Put, $"/api/v1/members/{id}",
            MemberJson(County.Grid, "汪国平", status: "elderly", hours: 4, holdsOffice: true), "\"1\"")));
        Assert.Equal(("elderly", true, 2L), (updated["status"].Str(), updated["holdsOffice"]!.GetValue<bool>(), updated["version"]!.GetValue<long>()));

        var stale = await _http.SendAsync(Request(HttpMethod.Put, $"/api/v1/members/{id}", MemberJson(County.Grid, "汪国平"), "\"1\""));
        await stale.AssertProblem(412);

        var moved = await _http.PutJson($"/api/v1/members/{id}", MemberJson(County.Grid2, "汪国平"));
        await moved.AssertInvalid("grid", $"POST /api/v1/members/{id}/transfer");
    }

    [Fact]
    public async Task Transfer_MovesTheMemberBetweenGroups_RecordsIt_AndGivesUpThePost()
    {
        var id = await CreateMember(_http, County.Grid, "查明亮");
        await ClaimPost(_http, id, "SecurityPatroller");

        var response = await _http.PostJson($"/api/v1/members/{id}/transfer", $$"""{"toGrid":"{{County.Grid3}}","on":"2026-03-01","reason":"搬迁至新城社区"}""");
        var member = await Ok(response);
        Assert.Equal(County.Grid3, member["grid"].Str());
        var transfer = member["transfers"]![0]!;
        Assert.Equal((County.Grid, County.Grid3, "2026-03-01", "搬迁至新城社区", "securityPatroller"),
            (transfer["fromGrid"].Str(), transfer["toGrid"].Str(), transfer["on"].Str(), transfer["reason"].Str(), transfer["releasedPost"].Str()));
        Assert.Null(member["post"]);
        Assert.Contains("transferred to grid", member["postHistory"]![0]!["releaseReason"].Str());

        Assert.DoesNotContain((await _http.GetJson($"/api/v1/grids/{County.Grid}/members?limit=200")).Items(), m => m!["memberId"].Str() == id);
        Assert.Contains((await _http.GetJson($"/api/v1/grids/{County.Grid3}/members?limit=200")).Items(), m => m!["memberId"].Str() == id);
    }

    [Theory]
    [InlineData("""{"toGrid":"340822100201003","reason":"x"}""", "toGrid", "current grid")]
    [InlineData("""{"toGrid":"340822100201099","reason":"x"}""", "toGrid", "no grid 340822100201099 is registered")]
    [InlineData("""{"toGrid":"340822100201004"}""", "reason", "is required")]
    [InlineData("""{"toGrid":"340822100201004","reason":"x","on":"2099-01-01"}""", "on", "future")]
    public async Task Transfer_BadInput_Is400(string json, string field, string rule)
    {
        var id = await CreateMember(_http, County.Grid, "章小军");
        await (await _http.PostJson($"/api/v1/members/{id}/transfer", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task Transfer_OfAGroupLeader_Is409_UntilAnotherLeaderIsNamed()
    {
        var leader = await CreateMember(_http, County.Grid2, "汪组长");
        var next = await CreateMember(_http, County.Grid2, "汪副组长");
        await SetUpGroup(_http, County.Grid2, leader);

        var refused = await _http.PostJson($"/api/v1/members/{leader}/transfer", $$"""{"toGrid":"{{County.Grid}}","reason":"搬家"}""");
        await refused.AssertProblem(409, "leads the Party group");

        await SetUpGroup(_http, County.Grid2, next);
        await Ok(await _http.PostJson($"/api/v1/members/{leader}/transfer", $$"""{"toGrid":"{{County.Grid}}","reason":"搬家"}"""));
    }

    [Fact]
    public async Task GridMembers_ArePaged_AndFilteredByStatus()
    {
        var away = await CreateMember(_http, County.Grid2, "外出甲", status: "migrant");
        var page = await _http.GetJson($"/api/v1/grids/{County.Grid2}/members?status=migrant&limit=1");
        Assert.Single(page.Items());
        Assert.True(page["total"]!.GetValue<int>() >= 1);
        Assert.Contains((await _http.GetJson($"/api/v1/grids/{County.Grid2}/members?status=migrant&limit=200")).Items(), m => m!["memberId"].Str() == away);
        await (await _http.GetAsync($"/api/v1/grids/{County.Grid2}/members?status=away")).AssertInvalid("status", "migrant");
        await (await _http.GetAsync($"/api/v1/grids/{County.Grid2}/members?cursor=x")).AssertInvalid("cursor", "nextCursor");
        await (await _http.GetAsync("/api/v1/grids/340822100201099/members")).AssertProblem(404);
    }

    [Fact]
    public async Task Remove_TakesTheMemberOffItsGrid_UnlessItLeadsTheGroupOrPairsWithHouseholds()
    {
        var leader = await CreateMember(_http, County.Grid2, "删前组长");
        var member = await CreateMember(_http, County.Grid2, "录错汪");
        await ClaimPost(_http, member, "CareHelper");
        await SetUpGroup(_http, County.Grid2, leader);

        await (await _http.DeleteAsync($"/api/v1/members/{member}")).AssertInvalid("reason", "is required");
        await (await _http.DeleteAsync($"/api/v1/members/{leader}?reason=录入错误")).AssertProblem(409, "leads the Party group");
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/members/{member}?reason=录入错误")).StatusCode);
        await (await _http.GetAsync($"/api/v1/members/{member}")).AssertProblem(404);
        await (await _http.DeleteAsync($"/api/v1/members/{member}?reason=again")).AssertProblem(404);
        Assert.DoesNotContain((await _http.GetJson($"/api/v1/grids/{County.Grid2}/members?limit=200")).Items(), m => m!["memberId"].Str() == member);

        var paired = await CreateMember(_http, County.Grid2, "带联系户汪");
        var household = (await Created(await _http.PostJson($"/api/v1/grids/{County.Grid2}/households", """{"head":"联系户","address":"汪屋组1号"}""")))["id"].Str();
        await Created(await _http.PostJson($"/api/v1/grids/{County.Grid2}/pairings", $$"""{"householdId":"{{household}}","memberId":"{{paired}}"}"""));
        await (await _http.DeleteAsync($"/api/v1/members/{paired}?reason=x")).AssertProblem(409, "end those pairings first");
    }

    [Fact]
    public async Task ARemovedMember_IsNotBroughtBackByItsIdempotencyKey()
    {
        var json = MemberJson(County.Grid, "回不来董");
        var id = (await Created(await _http.PostJson("/api/v1/members", json, "member-removed-key")))["id"].Str();
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/members/{id}?reason=录入错误")).StatusCode);
        await (await _http.PostJson("/api/v1/members", json, "member-removed-key")).AssertProblem(409, "was removed");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesThePartyEndpointsWithTheirChineseTerms()
    {
        var text = System.Text.RegularExpressions.Regex.Unescape(await _http.GetStringAsync("/openapi/v1.json"));
        foreach (var path in new[]
        {
            "/api/v1/members", "/api/v1/members/{id}/post", "/api/v1/grids/{code}/party-group", "/api/v1/villages/{code}/party-group",
            "/api/v1/villages/{code}/post-coverage", "/api/v1/grids/{code}/party-group/activities", "/api/v1/townships/{code}/activity-compliance",
            "/api/v1/grids/{code}/pairing-suggestions", "/api/v1/villages/{code}/party-member-homes", "/api/v1/villages/{code}/party-tasks",
            "/api/v1/party-tasks/{id}/groups/{code}/split", "/api/v1/villages/{code}/branch-meetings",
        })
        {
            Assert.Contains($"\"{path}\"", text);
        }
        foreach (var term in new[] { "网格党小组", "指导员", "党员信息卡", "认岗领责", "联系帮扶", "集中活动", "交办", "列席" })
        {
            Assert.Contains(term, text);
        }
    }

    [Fact]
    public async Task ServiceTags_ListTheSharedVocabulary()
    {
        var tags = (await _http.GetJson("/api/v1/service-tags")).Items();
        Assert.Contains(tags, t => t!["tag"].Str() == "electricalRepair" && t["label"].Str().Contains("电器维修"));
        Assert.Contains(tags, t => t!["tag"].Str() == "elderlyCare");
    }
}
