using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

[Collection(PartyCollection.Name)]
public sealed class PartyGroupTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task SetUp_WithALeaderOfTheGridAndTwoInstructors_ReadsBackWithMembersPostsAndInstructors()
    {
        var leader = await CreateMember(_http, County.Grid, "董组长");
        var member = await CreateMember(_http, County.Grid, "董组员");
        await ClaimPost(_http, member, "DisputeMediator", "democratic");

        var response = await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, leader));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var group = await _http.GetJson($"/api/v1/grids/{County.Grid}/party-group");

        Assert.Equal((leader, "董组长"), (group["leader"]!["memberId"].Str(), group["leader"]!["name"].Str()));
        Assert.Equal("董屋组12号（组长家）", group["activityCenter"]!["address"].Str());
        var instructors = group["instructors"]!.AsArray();
        Assert.Equal(["townshipCommittee", "villageBranch"], instructors.Select(i => i!["from"].Str()).ToArray());
        Assert.Equal([County.Township, County.Village], instructors.Select(i => i!["unit"].Str()).ToArray());
        Assert.Contains(group["members"]!.AsArray(), m => m!["memberId"].Str() == member && m["post"].Str() == "disputeMediator" && m["recommendation"].Str() == "democratic");
        Assert.DoesNotContain(group["members"]!.AsArray(), m => m!.AsObject().ContainsKey("phone"));
        Assert.Equal(8, group["posts"]!.AsArray().Count);
        var mediators = group["posts"]!.AsArray().Single(p => p!["post"].Str() == "disputeMediator")!;
        Assert.Contains(mediators["holders"]!.AsArray(), h => h!["memberId"].Str() == member);
        Assert.DoesNotContain("disputeMediator", group["uncoveredPosts"].Strings());

        // Updating answers 200 and moves the version (the ETag).
        var again = await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, leader, "村部活动室"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("村部活动室", (await again.Json())["activityCenter"]!["address"].Str());
        var stale = await _http.SendAsync(Request(HttpMethod.Put, $"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, leader), "\"0\""));
        await stale.AssertProblem(412);
    }

    public static TheoryData<string, string, string> BadInstructors() => new()
    {
        { """[{"name":"汪镇委","phone":"0556-4611234","unit":"340822100"}]""", "instructors", "exactly two" },
        { """[{"name":"a","phone":"0556-4611234","unit":"340822100"},{"name":"b","phone":"13855611111","unit":"340822100201"},{"name":"c","phone":"13855611112","unit":"340822100201"}]""", "instructors", "exactly two" },
        { """[{"name":"a","phone":"0556-4611234","unit":"340822100"},{"name":"b","phone":"13855611111","unit":"340822100"}]""", "instructors", "both are from the township Party committee" },
        { """[{"name":"a","phone":"0556-4611234","unit":"340822100202"},{"name":"b","phone":"13855611111","unit":"340822100201"}]""", "instructors[0].unit", "must be 340822100 (the township Party committee" },
        { """[{"name":"","phone":"0556-4611234","unit":"340822100"},{"name":"b","phone":"13855611111","unit":"340822100201"}]""", "instructors[0].name", "is required" },
        { """[{"name":"a","phone":"电话","unit":"340822100"},{"name":"b","phone":"13855611111","unit":"340822100201"}]""", "instructors[0].phone", "digits" },
    };

    [Theory]
    [MemberData(nameof(BadInstructors))]
    public async Task SetUp_WithoutExactlyOneTownshipAndOneVillageInstructor_Is400NamingTheRule(string instructors, string field, string rule)
    {
        var leader = await CreateMember(_http, County.Grid, "董某");
        var json = JsonNode.Parse(GroupJson(County.Grid, leader))!.AsObject();
        json["instructors"] = JsonNode.Parse(instructors);
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", json.ToJsonString())).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task SetUp_WithALeaderWhoIsNotAMemberOfThisGroup_Is400()
    {
        var elsewhere = await CreateMember(_http, County.Grid2, "汪外组");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, elsewhere)))
            .AssertInvalid("leaderId", "must be a member of this Party group");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, Guid.NewGuid().ToString())))
            .AssertProblem(404, "leaderId: no member");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, "leader-1")))
            .AssertInvalid("leaderId", "GUID");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", """{"instructors":[]}"""))
            .AssertInvalid("activityCenter", "is required");
    }

    [Fact]
    public async Task AMigrantCannotLead_AndALeaderCannotBecomeAMigrant()
    {
        var away = await CreateMember(_http, County.Grid, "外出董", status: "migrant");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/party-group", GroupJson(County.Grid, away)))
            .AssertInvalid("leaderId", "migrant member away from the village");

        var leader = await CreateMember(_http, County.Grid, "在村董");
        await SetUpGroup(_http, County.Grid, leader);
        var leaving = await _http.PutJson($"/api/v1/members/{leader}", MemberJson(County.Grid, "在村董", status: "migrant"));
        await leaving.AssertProblem(409, "cannot lead it");
        Assert.Equal("resident", (await _http.GetJson($"/api/v1/members/{leader}"))["status"].Str());
    }

    [Fact]
    public async Task AGridWithoutAGroup_Is404_AndAnUnknownGridIs404_AndABadCodeIs400()
    {
        (await _http.PutJson("/api/v1/grids/340822100202009", """{"name":"新城九网格"}""")).EnsureSuccessStatusCode();
        await (await _http.GetAsync("/api/v1/grids/340822100202009/party-group")).AssertProblem(404, "No Party group is set up");
        await (await _http.GetAsync("/api/v1/grids/340822100201099/party-group")).AssertProblem(404, "No grid");
        var leader = await CreateMember(_http, County.Grid, "某人");
        await (await _http.PutJson("/api/v1/grids/340822100201099/party-group", GroupJson("340822100201099", leader))).AssertProblem(404);
        await (await _http.GetAsync("/api/v1/grids/3408221002/party-group")).AssertInvalid("code", "division code");
        await (await _http.GetAsync("/api/v1/villages/340822100299/party-group")).AssertProblem(404);
        await (await _http.GetAsync($"/api/v1/villages/{County.Village}/party-group?month=2026-13")).AssertInvalid("month", "YYYY-MM");
        await (await _http.GetAsync($"/api/v1/villages/{County.Village}/party-group?month=2099-01")).AssertInvalid("month", "must not be after this month");
    }

    [Fact]
    public async Task Activities_AreRecordedWithAttendance_AndBadInputIs400()
    {
        var leader = await CreateMember(_http, County.Grid, "活动董");
        await SetUpGroup(_http, County.Grid, leader);
        var stranger = await CreateMember(_http, County.Grid2, "别组汪");
        var url = $"/api/v1/grids/{County.Grid}/party-group/activities";

        var json = $$"""{"date":"2026-03-01","kind":"policyStudy","topic":"学习党的二十届三中全会精神","attendees":["{{leader}}"],"guests":["镇党委汪委员"]}""";
        var created = await Created(await _http.PostJson(url, json, "activity-1"));
        Assert.Equal(("policyStudy", 1), (created["kind"].Str(), created["attendance"]!.GetValue<int>()));
        var replay = await _http.PostJson(url, json, "activity-1");
        Assert.Equal(created["id"].Str(), (await Created(replay))["id"].Str());
        Assert.Single((await _http.GetJson($"{url}?month=2026-03")).Items(), a => a!["id"].Str() == created["id"].Str());

        await (await _http.PostJson(url, $$"""{"date":"2026-03-01","kind":"policyStudy","topic":"t","attendees":["{{stranger}}"]}"""))
            .AssertInvalid("attendees[0]", "is not a member of the Party group");
        await (await _http.PostJson(url, $$"""{"date":"2099-03-01","kind":"service","topic":"t","attendees":["{{leader}}"]}""")).AssertInvalid("date", "future");
        await (await _http.PostJson(url, $$"""{"date":"2024-03-01","kind":"service","topic":"t","attendees":["{{leader}}"]}""")).AssertInvalid("date", "last year");
        await (await _http.PostJson(url, $$"""{"date":"2026-03-01","kind":"party","topic":"t","attendees":["{{leader}}"]}""")).AssertInvalid("kind", "contactingResidents");
        await (await _http.PostJson(url, """{"date":"2026-03-01","kind":"service","topic":"t","attendees":[]}""")).AssertInvalid("attendees", "at least one");
        await (await _http.PostJson(url, $$"""{"date":"2026-03-01","kind":"service","topic":"t","attendees":["{{leader}}","{{leader}}"]}""")).AssertInvalid("attendees[1]", "repeat");
        await (await _http.PostJson("/api/v1/grids/340822100201099/party-group/activities", $$"""{"date":"2026-03-01","kind":"service","topic":"t","attendees":["{{leader}}"]}"""))
            .AssertProblem(404, "No grid 340822100201099 is registered.");
    }
}
