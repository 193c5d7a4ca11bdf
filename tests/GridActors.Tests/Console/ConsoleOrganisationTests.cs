using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Leadership;
using GridActors.Tests.Party;
using Microsoft.Playwright;

namespace GridActors.Tests.Console;

/// <summary>
/// The console's Party and organisation pages in headless Chromium against the real gateway: a grid's Party group as
/// its village secretary sees it, the leadership (头雁) report, star boards and a rating's explanation with its
/// commitments and objections, and the issue actions hand down, duplicate and escalate with a reason. The records are
/// made through the API once for the class; every page is saved as a screenshot at 1280 and 360 px.
/// </summary>
public sealed class ConsoleOrganisationTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private const int Year = 2026;

    private sealed record PartyRecords(string Leader, string Migrant, string Helper, string Household, string Task);

    /// <summary>A Party group in 董屋网格 with posts, a household paired with a member, March's activity and a task split into parts.</summary>
    private Task<PartyRecords> Party() => fixture.Once("party", async () =>
    {
        var http = fixture.Admin;
        var leader = await PartyApi.CreateMember(http, County.Grid, "董建国", skills: ["farmingTechniques"]);
        var migrant = await PartyApi.CreateMember(http, County.Grid, "汪秀英", status: "migrant");
        var helper = await PartyApi.CreateMember(http, County.Grid, "查文明", services: ["elderlyCare"], hours: 8);
        await PartyApi.SetUpGroup(http, County.Grid, leader);
        await PartyApi.ClaimPost(http, leader, "securityPatroller", "democratic");
        await PartyApi.ClaimPost(http, migrant, "informationCollector");
        await PartyApi.ClaimPost(http, helper, "careHelper");
        await PartyApi.Created(await http.PostJson($"/api/v1/grids/{County.Grid}/party-group/activities",
            $$"""{"date":"2026-03-01","kind":"policyStudy","topic":"学习党的二十届三中全会精神","attendees":["{{leader}}","{{helper}}"]}"""));
        var household = (await PartyApi.Created(await http.PostJson($"/api/v1/grids/{County.Grid}/households",
            """{"head":"董老汉","address":"董屋组8号","needs":["elderlyCare"],"vulnerable":true,"vulnerability":"独居老人"}""")))["id"].Str();
        await PartyApi.Created(await http.PostJson($"/api/v1/grids/{County.Grid}/pairings", $$"""{"householdId":"{{household}}","memberId":"{{helper}}"}"""));
        var task = (await PartyApi.Created(await http.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"清理河道垃圾","description":"春季人居环境整治","due":"2026-03-20","groups":["{{County.Grid}}"]}""")))["id"].Str();
        await PartyApi.Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid}/split",
            $$"""{"by":"{{leader}}","parts":[{"memberId":"{{leader}}","work":"东段河道"},{"memberId":"{{helper}}","work":"西段河道"}]}"""));
        await PartyApi.Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid}/members/{helper}/done",
            """{"note":"西段已清理","evidence":[{"kind":"photo","url":"https://files.example.cn/river.jpg","caption":"清理后"}]}"""));
        return new PartyRecords(leader, migrant, helper, household, task);
    });

    [Fact]
    public async Task AVillageSecretary_SeesTheGridsPartyGroup()
    {
        var records = await Party();
        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync($"/console/units/{County.Grid}");
        await page.ClickAsync("#link-party");
        Assert.EndsWith($"/console/grids/{County.Grid}/party", page.Url);

        Assert.Equal("董建国", (await page.TextContentAsync("#leader"))!.Trim());
        var leadership = await page.TextContentAsync("#leadership");
        Assert.Contains("汪镇委", leadership);
        Assert.Contains("查支委", leadership);
        var members = await page.TextContentAsync("#members");
        Assert.Contains("治安巡逻员", members);
        Assert.Contains("信息收集员", members);
        Assert.Contains("外出务工", members);
        Assert.Contains("农业技术", members);
        Assert.Equal("3", (await page.TextContentAsync("#kpi-members"))!.Trim());
        var households = await page.TextContentAsync("#households");
        Assert.Contains("董老汉", households);
        Assert.Contains("查文明", households);
        // March has its activity; February was before the group was set up.
        Assert.Contains("已开展", await page.TextContentAsync("#activity tr[data-month='2026-03']"));
        Assert.Contains("学习党的二十届三中全会精神", await page.TextContentAsync("#activity tr[data-month='2026-03']"));
        Assert.Contains("尚未成立", await page.TextContentAsync("#activity tr[data-month='2026-02']"));
        var tasks = await page.TextContentAsync("#tasks");
        Assert.Contains("清理河道垃圾", tasks);
        Assert.Contains("东段河道", tasks);
        Assert.Contains("西段已清理", tasks);
        await ConsoleBrowserFixture.Shot(page, "party-group-desktop");

        // A grid without a group says so rather than failing.
        await page.GotoAsync($"/console/grids/{County.Grid3}/party");
        Assert.True(await page.IsVisibleAsync("#not-set-up"));

        var phone = await fixture.SignedIn("county.lead", 360);
        Assert.Equal(200, (await phone.GotoAsync($"/console/grids/{County.Grid}/party"))!.Status);
        await ConsoleBrowserFixture.AssertFitsThePhone(phone);
        await ConsoleBrowserFixture.Shot(phone, "party-group-phone");
        Assert.NotNull(records.Task);
    }

    [Fact]
    public async Task TheOrganisationDepartment_SeesTheLeadershipReport_AgainstThePreviousTerm()
    {
        await fixture.Once("leadership", async () =>
        {
            // 2021: two villages, older cadres, one one-shoulder village; 2026: younger, more cross-appointed, more educated.
            foreach (var (village, year, body) in new[]
                     {
                         (County.Village, 2021, Slates.Term("2021-01-10",
                             Slates.Cadre("董老书记", "male", "1962-05-01", "junior", true, "branchSecretary", "villageDirector"),
                             Slates.Cadre("汪会计", "male", "1966-02-01", "senior", true, "branchCommitteeMember"),
                             Slates.Cadre("查主任助理", "female", "1970-08-01", "junior", false, "villageCommitteeMember"))),
                         (County.Village2, 2021, Slates.Term("2021-01-12",
                             Slates.Cadre("新城老书记", "male", "1960-01-01", "senior", true, "branchSecretary"),
                             Slates.Cadre("新城主任", "male", "1965-01-01", "junior", false, "villageDirector"))),
                         (County.Village, 2026, Slates.Term("2026-01-10",
                             Slates.Cadre("董新书记", "male", "1985-05-01", "bachelor", true, "branchSecretary", "villageDirector"),
                             Slates.Cadre("汪委员", "female", "1992-02-01", "college", true, "branchCommitteeMember", "villageCommitteeMember"),
                             Slates.Cadre("查委员", "male", "1978-08-01", "senior", true, "branchCommitteeMember"))),
                         (County.Village2, 2026, Slates.Term("2026-01-12",
                             Slates.Cadre("新城书记", "female", "1988-01-01", "college", true, "branchSecretary", "villageDirector"),
                             Slates.Cadre("新城委员", "male", "1990-01-01", "bachelor", true, "branchCommitteeMember", "villageCommitteeMember"))),
                     })
            {
                var response = await fixture.Admin.PutJson($"/api/v1/villages/{village}/terms/{year}", body);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
            return new object();
        });
        var report = await fixture.Admin.GetJson($"/api/v1/counties/{County.Code}/leadership?term=2026");
        var previous = await fixture.Admin.GetJson($"/api/v1/counties/{County.Code}/leadership?term=2021");

        var page = await fixture.SignedIn("county.lead");
        await page.ClickAsync("#link-leadership");
        Assert.EndsWith($"/console/units/{County.Code}/leadership", page.Url);
        // The latest term by default, its figures as the API counts them, and the change against 2021.
        Assert.Contains("2026", await page.TextContentAsync("#terms a.on"));
        Assert.Equal(report["crossAppointedPercent"]!.GetValue<double>().ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%", (await page.TextContentAsync("#cross"))!.Trim());
        Assert.Equal(report["averageAge"]!.GetValue<double>().ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), (await page.TextContentAsync("#age"))!.Trim());
        var figures = await page.TextContentAsync("#figures");
        Assert.Contains("−" + Math.Abs(report["averageAgeChange"]!.GetValue<double>()).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), figures);
        var crossChange = report["crossAppointedPercent"]!.GetValue<double>() - previous["crossAppointedPercent"]!.GetValue<double>();
        Assert.Contains("+" + crossChange.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "个百分点", figures);
        // Each chart compares the two terms: two series of bars.
        foreach (var chart in new[] { "#chart-structure", "#chart-age", "#chart-age-bands", "#chart-education" })
        {
            Assert.True(await page.Locator($"{chart} svg rect.bar").CountAsync() > 0, chart);
            Assert.Contains("2021", await page.TextContentAsync($"{chart} svg"));
        }
        await ConsoleBrowserFixture.Shot(page, "leadership-desktop");

        // The 2021 term has nothing earlier to compare with.
        await page.GotoAsync($"/console/units/{County.Code}/leadership?term=2021");
        Assert.Contains("无上届数据", await page.TextContentAsync(".sub"));

        var phone = await fixture.SignedIn("county.lead", 360);
        Assert.Equal(200, (await phone.GotoAsync($"/console/units/{County.Township}/leadership"))!.Status);
        await ConsoleBrowserFixture.AssertFitsThePhone(phone);
        await ConsoleBrowserFixture.Shot(phone, "leadership-phone");
    }

    [Fact]
    public async Task AStarBoard_ShowsItsDistribution_AndEachRatingExplainsItself()
    {
        await Party();
        await fixture.Once("stars", async () =>
        {
            var http = fixture.Admin;
            var commitments = $"/api/v1/grids/{County.Grid}/party-group/commitments/{Year}";
            await PartyApi.Ok(await http.PutJson(commitments, """{"items":[{"text":"每月开展集中活动","to":"members","measure":"次","target":12},{"text":"为独居老人每周上门一次","to":"residents"}]}"""));
            await PartyApi.Ok(await http.PostJson($"{commitments}/publish", "{}"));
            await PartyApi.Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
            await PartyApi.Created(await http.PostJson($"/api/v1/grids/{County.Grid}/party-group/stars/objections?year={Year}", """{"by":"群众代表汪","text":"三月的走访记录漏算了"}"""));
            return new object();
        });
        var board = await fixture.Admin.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}");

        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync($"/console/units/{County.Village}");
        await page.ClickAsync("#link-stars");
        Assert.EndsWith($"/console/units/{County.Village}/stars", page.Url);
        Assert.Equal(board["groupsPublished"]!.ToString(), (await page.TextContentAsync("#groups-published"))!.Trim());
        Assert.Equal("1", (await page.TextContentAsync("#open-objections"))!.Trim());
        Assert.Equal(10, await page.Locator("#chart-distribution svg rect.bar").CountAsync());
        Assert.Contains("董屋网格", await page.TextContentAsync("#board-groups"));
        await ConsoleBrowserFixture.Shot(page, "stars-desktop");

        await page.ClickAsync("#board-groups a");
        Assert.Contains($"/console/ratings/group/{County.Grid}", page.Url);
        Assert.Equal("公示中", (await page.TextContentAsync("#rating-status"))!.Trim());
        // Every criterion with its explanation, as the API worked it out.
        var rating = await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid}/party-group/stars?year={Year}");
        var criteria = await page.TextContentAsync("#criteria");
        foreach (var criterion in rating["criteria"]!.AsArray())
        {
            Assert.Contains(criterion!["name"].Str(), criteria);
            Assert.Contains(criterion["explanation"].Str(), criteria);
        }
        Assert.Equal(rating["score"]!.ToString(), (await page.TextContentAsync("#score"))!.Trim());
        var objections = await page.TextContentAsync("#objections");
        Assert.Contains("三月的走访记录漏算了", objections);
        Assert.Contains("待答复", objections);
        var commitments = await page.TextContentAsync("#commitments");
        Assert.Contains("已亮诺", commitments);
        Assert.Contains("为独居老人每周上门一次", commitments);
        await ConsoleBrowserFixture.Shot(page, "rating-desktop");

        var phone = await fixture.SignedIn("county.lead", 360);
        foreach (var (path, name) in new[] { ($"/console/units/{County.Village}/stars", "stars-phone"), ($"/console/ratings/group/{County.Grid}?year={Year}", "rating-phone") })
        {
            Assert.Equal(200, (await phone.GotoAsync(path))!.Status);
            await ConsoleBrowserFixture.AssertFitsThePhone(phone);
            await ConsoleBrowserFixture.Shot(phone, name);
        }
    }

    private async Task<string> Issue(string title)
    {
        var made = await fixture.Admin.PostJson($"/api/v1/grids/{County.Grid2}/issues",
            $$$"""{"category":"neighbour-dispute","title":"{{{title}}}","reporter":{"name":"汪小三","phone":"13800138001"}}""");
        return (await made.Json())["id"].Str();
    }

    [Fact]
    public async Task AnIssue_IsEscalatedWithAReason_HandedDown_AndMarkedDuplicate_WithChineseFieldMessages()
    {
        var id = await Issue("汪屋组宅基地纠纷");
        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync($"/console/issues/{id}");

        // No reason: the API's rule next to the field, in Chinese.
        await page.ClickAsync("#act-escalate button[type=submit]");
        Assert.Equal("必填，不能为空", (await page.TextContentAsync("#act-escalate .field-error[data-field='note']"))!.Trim());
        await page.FillAsync("#act-escalate textarea", "涉及两个村民小组，网格内无法调解");
        await page.ClickAsync("#act-escalate button[type=submit]");
        var issue = await fixture.Admin.GetJson($"/api/v1/issues/{id}");
        Assert.Equal(County.Village, issue["holder"]!["code"].Str());
        Assert.Contains("涉及两个村民小组", await page.TextContentAsync("#timeline"));

        // The village hands it down to another of its grids, with instructions.
        await page.SelectOptionAsync("#act-hand-down select", County.Grid);
        await page.FillAsync("#act-hand-down textarea", "请董屋网格牵头调解");
        await ConsoleBrowserFixture.Shot(page, "issue-actions-desktop");
        await page.ClickAsync("#act-hand-down button[type=submit]");
        issue = await fixture.Admin.GetJson($"/api/v1/issues/{id}");
        Assert.Equal(County.Grid, issue["holder"]!["code"].Str());
        // It arrives at the grid to be taken up again; the timeline says who handed it down and why.
        Assert.Equal("待受理", (await page.TextContentAsync("#issue-status"))!.Trim());
        var timeline = await page.TextContentAsync("#timeline");
        Assert.Contains("已交办", timeline);
        Assert.Contains("请董屋网格牵头调解", timeline);

        // A second report of the same dispute: a wrong id is refused in Chinese and kept; the right one closes it.
        var second = await Issue("汪屋组宅基地纠纷（重复反映）");
        await page.GotoAsync($"/console/issues/{second}");
        await page.FillAsync("#act-duplicate input[name='Posted.Of']", "not-an-id");
        await page.ClickAsync("#act-duplicate button[type=submit]");
        Assert.Equal("必填：原事件的编号", (await page.TextContentAsync("#act-duplicate .field-error[data-field='of']"))!.Trim());
        Assert.Equal("not-an-id", await page.InputValueAsync("#act-duplicate input[name='Posted.Of']"));
        await page.FillAsync("#act-duplicate input[name='Posted.Of']", id);
        await page.ClickAsync("#act-duplicate button[type=submit]");
        Assert.Equal("重复件", (await page.TextContentAsync("#issue-status"))!.Trim());
        Assert.Equal("duplicate", (await fixture.Admin.GetJson($"/api/v1/issues/{second}"))["status"].Str());
    }

    [Fact]
    public async Task TownshipStaff_GetNotFound_OnAnotherTownshipsPartyAndOrganisationPages()
    {
        var page = await fixture.SignedIn("gaohe.staff");
        foreach (var path in new[]
                 {
                     $"/console/grids/{ConsoleBrowserFixture.OtherGrid}/party", $"/console/units/{ConsoleBrowserFixture.OtherTownship}/leadership",
                     $"/console/units/{ConsoleBrowserFixture.OtherTownship}/stars", $"/console/ratings/group/{ConsoleBrowserFixture.OtherGrid}",
                 })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(404, response!.Status);
            Assert.DoesNotContain("石牌", await page.TextContentAsync("main"));
        }
        Assert.Equal(200, (await page.GotoAsync($"/console/units/{County.Township}/leadership"))!.Status);
    }
}
