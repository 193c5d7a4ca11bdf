using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

[Collection(PartyCollection.Name)]
public sealed class PartyTasksTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    private const string Evidence = """[{"kind":"photo","url":"https://files.example.cn/p1.jpg","caption":"清理后"}]""";

    [Fact]
    public async Task ATask_FlowsFromTheVillageDownToMembers_AndItsStateRollsBackUp()
    {
        var leader1 = await CreateMember(_http, County.Grid, "任务董组长");
        var worker1 = await CreateMember(_http, County.Grid, "任务董甲");
        var worker2 = await CreateMember(_http, County.Grid, "任务董乙");
        var leader2 = await CreateMember(_http, County.Grid2, "任务汪组长");
        await SetUpGroup(_http, County.Grid, leader1);
        await SetUpGroup(_http, County.Grid2, leader2);

        var created = await Created(await _http.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"清理河道垃圾","description":"春季人居环境整治","due":"2026-03-20","groups":["{{County.Grid}}","{{County.Grid2}}"],"by":"村党支部"}""", "task-1"));
        var id = created["id"].Str();
        Assert.Equal(("assigned", false), (created["status"].Str(), created["overdue"]!.GetValue<bool>()));
        Assert.Equal(id, (await Created(await _http.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"清理河道垃圾","description":"春季人居环境整治","due":"2026-03-20","groups":["{{County.Grid}}","{{County.Grid2}}"],"by":"村党支部"}""", "task-1")))["id"].Str());

        // Only the group's leader splits its share, among members of the group.
        var split = $"/api/v1/party-tasks/{id}/groups/{County.Grid}/split";
        var parts = $$"""[{"memberId":"{{worker1}}","work":"东段"},{"memberId":"{{worker2}}","work":"西段"}]""";
        await (await _http.PostJson(split, $$"""{"by":"{{worker1}}","parts":{{parts}}}""")).AssertInvalid("by", "only the leader of the Party group");
        await (await _http.PostJson(split, $$"""{"by":"{{leader1}}","parts":[{"memberId":"{{leader2}}","work":"x"}]}""")).AssertInvalid("parts[0].memberId", "is not a member of the Party group");
        await (await _http.PostJson(split, $$"""{"by":"{{leader1}}","parts":[]}""")).AssertInvalid("parts", "at least one");
        await (await _http.PostJson(split, $$"""{"by":"{{leader1}}","parts":[{"memberId":"{{worker1}}","work":"a"},{"memberId":"{{worker1}}","work":"b"}]}""")).AssertInvalid("parts[1].memberId", "repeat");
        var afterSplit = await Ok(await _http.PostJson(split, $$"""{"by":"{{leader1}}","parts":{{parts}}}"""));
        Assert.Equal("inProgress", afterSplit["status"].Str());
        Assert.Equal(["inProgress", "assigned"], afterSplit["groups"]!.AsArray().Select(g => g!["status"].Str()).ToArray());

        // Members report done, with evidence; the share and then the task roll up.
        var done1 = $"/api/v1/party-tasks/{id}/groups/{County.Grid}/members/{worker1}/done";
        await (await _http.PostJson(done1, """{"note":"已清理"}""")).AssertInvalid("evidence", "at least one");
        await (await _http.PostJson(done1, """{"note":"已清理","evidence":[{"kind":"video","url":"https://a/b"}]}""")).AssertInvalid("evidence[0].kind", "photo");
        await (await _http.PostJson(done1, """{"note":"已清理","evidence":[{"kind":"photo","url":"ftp://a/b"}]}""")).AssertInvalid("evidence[0].url", "http or https");
        await Ok(await _http.PostJson(done1, $$"""{"note":"东段已清理","evidence":{{Evidence}}}"""));
        await (await _http.PostJson(done1, $$"""{"note":"again","evidence":{{Evidence}}}""")).AssertProblem(409, "already reported");
        await (await _http.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid}/members/{leader2}/done", $$"""{"note":"x","evidence":{{Evidence}}}""")).AssertProblem(404, "has no part");
        var half = await Ok(await _http.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid}/members/{worker2}/done", $$"""{"note":"西段已清理","evidence":{{Evidence}}}"""));
        Assert.Equal(("inProgress", "done"), (half["status"].Str(), half["groups"]![0]!["status"].Str()));

        var village = (await _http.GetJson($"/api/v1/villages/{County.Village}/party-tasks")).Items().Single(t => t!["id"].Str() == id)!;
        Assert.Equal("inProgress", village["status"].Str());
        var grid1 = village["groups"]!.AsArray().Single(g => g!["grid"].Str() == County.Grid)!;
        Assert.Equal(("done", 2, 2), (grid1["status"].Str(), grid1["partsDone"]!.GetValue<int>(), grid1["parts"]!.GetValue<int>()));
        Assert.Single((await _http.GetJson($"/api/v1/grids/{County.Grid2}/party-group/tasks")).Items(), t => t!["id"].Str() == id);

        await Ok(await _http.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid2}/split", $$"""{"by":"{{leader2}}","parts":[{"memberId":"{{leader2}}","work":"全段"}]}"""));
        var all = await Ok(await _http.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid2}/members/{leader2}/done", $$"""{"note":"完成","evidence":{{Evidence}}}"""));
        Assert.Equal("done", all["status"].Str());
        Assert.NotNull(all["doneAt"]);
        await (await _http.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid2}/split", $$"""{"by":"{{leader2}}","parts":[{"memberId":"{{leader2}}","work":"再来"}]}""")).AssertProblem(409, "already done");
        Assert.Contains((await _http.GetJson($"/api/v1/villages/{County.Village}/party-tasks?status=done")).Items(), t => t!["id"].Str() == id);
        var evidence = (await _http.GetJson($"/api/v1/party-tasks/{id}"))["groups"]![0]!["parts"]![0]!["evidence"]![0]!;
        Assert.Equal(("photo", "清理后"), (evidence["kind"].Str(), evidence["caption"].Str()));
    }

    [Theory]
    [InlineData("""{"due":"2026-03-20","groups":["340822100201003"]}""", "title", "is required")]
    [InlineData("""{"title":"t","due":"2026-03-01","groups":["340822100201003"]}""", "due", "must not be before today")]
    [InlineData("""{"title":"t","due":"20260320","groups":["340822100201003"]}""", "due", "YYYY-MM-DD")]
    [InlineData("""{"title":"t","due":"2026-03-20","groups":[]}""", "groups", "at least one")]
    [InlineData("""{"title":"t","due":"2026-03-20","groups":["340822100202001"]}""", "groups[0]", "must be a grid of village 340822100201")]
    [InlineData("""{"title":"t","due":"2026-03-20","groups":["340822100201003","340822100201003"]}""", "groups[1]", "repeat")]
    [InlineData("""{"title":"t","due":"2026-03-20","groups":["340822100201099"]}""", "groups[0]", "no Party group set up")]
    public async Task CreateTask_BadInput_Is400(string json, string field, string rule)
    {
        var leader = await CreateMember(_http, County.Grid, "建任务董");
        await SetUpGroup(_http, County.Grid, leader);
        await (await _http.PostJson($"/api/v1/villages/{County.Village}/party-tasks", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task UnknownTasks_Are404()
    {
        await (await _http.GetAsync($"/api/v1/party-tasks/{Guid.NewGuid()}")).AssertProblem(404);
        await (await _http.GetAsync("/api/v1/party-tasks/x")).AssertInvalid("id", "GUID");
        await (await _http.PostJson($"/api/v1/party-tasks/{Guid.NewGuid()}/groups/{County.Grid}/split", $$"""{"by":"{{Guid.NewGuid()}}","parts":[{"memberId":"{{Guid.NewGuid()}}","work":"x"}]}"""))
            .AssertProblem(404);
        await (await _http.PostJson("/api/v1/villages/340822100299/party-tasks", """{"title":"t","due":"2026-03-20","groups":["340822100299001"]}""")).AssertProblem(404);
    }

    [Fact]
    public async Task BranchMeetings_RecordGroupLeadersAttendingWithoutAVote_AndCountTheirAttendance()
    {
        var leader = await CreateMember(_http, County.Grid, "列席董");
        await SetUpGroup(_http, County.Grid, leader);
        var notLeader = await CreateMember(_http, County.Grid, "普通董");
        var url = $"/api/v1/villages/{County.Village}/branch-meetings";
        var attendees = """[{"name":"董书记","role":"书记"},{"name":"查委员","role":"组织委员"}]""";

        var meeting = await Created(await _http.PostJson(url, $$"""{"date":"2026-03-02","topic":"研究春耕安排","attendees":{{attendees}},"groupLeaders":["{{leader}}"]}""", "meeting-1"));
        Assert.Equal((leader, "列席董", County.Grid), (meeting["groupLeaders"]![0]!["memberId"].Str(), meeting["groupLeaders"]![0]!["name"].Str(), meeting["groupLeaders"]![0]!["grid"].Str()));
        await Created(await _http.PostJson(url, $$"""{"date":"2026-03-02","topic":"研究春耕安排","attendees":{{attendees}},"groupLeaders":["{{leader}}"]}""", "meeting-1"));
        await Created(await _http.PostJson(url, $$"""{"date":"2026-02-15","topic":"讨论交办任务","attendees":{{attendees}}}"""));

        await (await _http.PostJson(url, $$"""{"date":"2026-03-02","topic":"t","attendees":{{attendees}},"groupLeaders":["{{notLeader}}"]}""")).AssertInvalid("groupLeaders[0]", "does not lead");
        var far = await CreateMember(_http, County.Grid3, "新城组长");
        await SetUpGroup(_http, County.Grid3, far);
        await (await _http.PostJson(url, $$"""{"date":"2026-03-02","topic":"t","attendees":{{attendees}},"groupLeaders":["{{far}}"]}""")).AssertInvalid("groupLeaders[0]", "outside village");
        await (await _http.PostJson(url, """{"date":"2026-03-02","topic":"t","attendees":[]}""")).AssertInvalid("attendees", "at least one");
        await (await _http.PostJson(url, $$"""{"date":"2099-03-02","topic":"t","attendees":{{attendees}}}""")).AssertInvalid("date", "future");

        var meetings = (await _http.GetJson($"{url}?year=2026")).Items();
        Assert.True(meetings.Count >= 2);
        var attendance = (await _http.GetJson($"{url}/attendance?year=2026")).Items();
        var row = attendance.Single(a => a!["grid"].Str() == County.Grid)!;
        Assert.Equal(leader, row["leaderId"].Str());
        Assert.True(row["attended"]!.GetValue<int>() >= 1);
        Assert.Equal(meetings.Count, row["meetings"]!.GetValue<int>());
        Assert.Contains(attendance, a => a!["grid"].Str() == County.Grid2);
    }
}
