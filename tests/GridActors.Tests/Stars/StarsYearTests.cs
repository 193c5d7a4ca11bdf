using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Stars;

/// <summary>
/// A year of commitments and stars through the API on the fake clock: drafted in March, published (then an edit
/// refused), fulfilled with linked evidence (a resolved issue, an activity, a pairing visit), evaluated in December,
/// stars computed and explained, published for the notice period, an objection filed and answered, then final.
/// </summary>
public sealed class StarsYearTests
{
    private const int Year = 2026;

    [Fact]
    public async Task AYearOfCommitments_EndsInFinalStars_ExplainedFromInputs_AndAPublicBoardWithoutPhones()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var leader = await CreateMember(http, County.Grid, "星董组长");
        var member = await CreateMember(http, County.Grid, "星董甲");
        await SetUpGroup(http, County.Grid, leader);

        // Records the evidence will link to: an activity, a pairing visit, a resolved and rated issue.
        var activity = (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/party-group/activities",
            $$"""{"date":"2026-03-02","kind":"policyStudy","topic":"学习一号文件","attendees":["{{leader}}","{{member}}"]}""")))["id"].Str();
        var household = (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/households",
            """{"head":"王大妈","address":"董屋组3号","phone":"13800001111","size":2,"needs":["elderlyCare"],"vulnerable":true,"memberIds":[],"partyMemberHome":false,"central":false,"servedHouseholds":[]}""")))["id"].Str();
        var pairing = (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/pairings", $$"""{"householdId":"{{household}}","memberId":"{{member}}"}""")))["id"].Str();
        var visit = (await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/pairings/{pairing}/visits", """{"note":"上门查看"}""")))["id"].Str();
        var issue = await IssueApi.Report(http, County.Grid);
        var openIssue = await IssueApi.Report(http, County.Grid, title: "另一纠纷");
        await IssueApi.Act(http, issue, "accept");
        await IssueApi.Act(http, issue, "assign", $$"""{"memberId":"{{member}}"}""");
        await IssueApi.Act(http, issue, "resolve", """{"note":"调解成功"}""");
        await IssueApi.Act(http, issue, "close", """{"satisfaction":5}""");

        // 定诺: drafted, changed while drafted, then 亮诺: published, and an edit is refused naming the state.
        var memberUrl = $"/api/v1/members/{member}/commitments/{Year}";
        const string Items = """{"items":[{"text":"每月走访联系户","to":"residents","measure":"visits","target":2},{"text":"调解邻里纠纷","to":"residents"}],"by":"星董甲"}""";
        await (await http.PutJson(memberUrl, """{"items":[{"text":"x","to":"members"}]}""")).AssertInvalid("items[0].to", "must be group or residents");
        await (await http.PutJson(memberUrl, """{"items":[{"text":"x","to":"group","target":3}]}""")).AssertInvalid("items[0].target", "go together");
        Assert.Equal("drafted", (await Ok(await http.PutJson(memberUrl, """{"items":[{"text":"草稿","to":"group"}]}""")))["status"].Str());
        Assert.Equal(2, (await Ok(await http.PutJson(memberUrl, Items)))["items"]!.AsArray().Count);
        await (await http.PostJson(memberUrl + "/progress", $$"""{"item":1,"amount":1,"note":"x","links":[{"kind":"activity","id":"{{activity}}"}]}""")).AssertProblem(409, "publish them");
        Assert.Equal("published", (await Ok(await http.PostJson(memberUrl + "/publish", "{}")))["status"].Str());
        await (await http.PutJson(memberUrl, Items)).AssertProblem(409, "status Published");
        await (await http.PostJson(memberUrl + "/publish", "{}")).AssertProblem(409, "already published");

        // 践诺: progress with linked evidence, each link checked against its record.
        await (await http.PostJson(memberUrl + "/progress", """{"item":1,"amount":1,"note":"x"}""")).AssertInvalid("links", "evidence is required");
        await (await http.PostJson(memberUrl + "/progress", $$"""{"item":2,"note":"x","links":[{"kind":"issue","id":"{{openIssue}}"}]}""")).AssertInvalid("links[0].id", "only a resolved or closed issue");
        await (await http.PostJson(memberUrl + "/progress", $$"""{"item":3,"note":"x","links":[{"kind":"issue","id":"{{issue}}"}]}""")).AssertInvalid("item", "1 to 2");
        var fulfilling = await Created(await http.PostJson(memberUrl + "/progress",
            $$"""{"item":1,"amount":1,"note":"走访王大妈","links":[{"kind":"pairingVisit","id":"{{visit}}"}]}""", "p1"));
        Assert.Equal("fulfilling", fulfilling["status"].Str());
        await Created(await http.PostJson(memberUrl + "/progress", $$"""{"item":1,"amount":1,"note":"走访王大妈","links":[{"kind":"pairingVisit","id":"{{visit}}"}]}""", "p1"));
        await (await http.PostJson(memberUrl + "/progress", $$"""{"item":1,"amount":2,"note":"走访王大妈","links":[{"kind":"pairingVisit","id":"{{visit}}"}]}""", "p1"))
            .AssertProblem(422, "Idempotency-Key");
        var withIssue = await Created(await http.PostJson(memberUrl + "/progress",
            $$"""{"item":2,"note":"宅基地纠纷调解","links":[{"kind":"issue","id":"{{issue}}"},{"kind":"activity","id":"{{activity}}"}],"evidence":[{"kind":"photo","url":"https://files.example.cn/m.jpg"}]}"""));
        Assert.Equal(2, withIssue["progress"]!.AsArray().Count);
        Assert.Contains("satisfaction 5", withIssue["progress"]![1]!["links"]![0]!["summary"].Str());

        // The group's commitments, to members and residents.
        var groupUrl = $"/api/v1/grids/{County.Grid}/party-group/commitments/{Year}";
        await Ok(await http.PutJson(groupUrl, """{"items":[{"text":"每月开展集中活动","to":"members","measure":"activities","target":1}]}"""));
        await Ok(await http.PostJson(groupUrl + "/publish", "{}"));
        await Created(await http.PostJson(groupUrl + "/progress", $$"""{"item":1,"amount":1,"note":"三月集中学习","links":[{"kind":"activity","id":"{{activity}}"}]}"""));

        // December: 评诺 scores per item, then a reward.
        app.Clock.Advance(new DateTimeOffset(2026, 12, 20, 1, 0, 0, TimeSpan.Zero) - app.Clock.GetUtcNow());
        await (await http.PostJson(memberUrl + "/decisions", """{"kind":"reward","text":"x"}""")).AssertProblem(409, "follow the evaluation");
        var evaluated = await Ok(await http.PostJson(memberUrl + "/evaluations",
            """{"scores":[{"item":1,"role":"member","evaluator":"星董组长","score":90},{"item":2,"role":"residentRepresentative","evaluator":"群众代表汪","score":80}]}"""));
        Assert.Equal("evaluated", evaluated["status"].Str());
        await (await http.PostJson(memberUrl + "/progress", $$"""{"item":1,"amount":1,"note":"x","links":[{"kind":"pairingVisit","id":"{{visit}}"}]}""")).AssertProblem(409, "evaluated");
        await Ok(await http.PostJson(groupUrl + "/evaluations", """{"scores":[{"item":1,"role":"residentRepresentative","evaluator":"群众代表汪","score":95}]}"""));
        Assert.Single((await Created(await http.PostJson(memberUrl + "/decisions", """{"kind":"reward","text":"评为优秀党员","by":"村党支部"}""", "d1")))["decisions"]!.AsArray());
        var decisionRetry = await http.PostJson(memberUrl + "/decisions", """{"kind":"reward","text":"评为优秀党员","by":"村党支部"}""", "d1");
        Assert.True(decisionRetry.IsSuccessStatusCode);
        Assert.Single((await http.GetJson(memberUrl))["decisions"]!.AsArray());
        await (await http.PostJson(memberUrl + "/decisions", """{"kind":"penalty","text":"通报批评","by":"村党支部"}""", "d1")).AssertProblem(422, "Idempotency-Key");

        // Stars, computed now and explained from the inputs.
        var live = await http.GetJson($"/api/v1/members/{member}/stars?year={Year}");
        Assert.Equal("notPublished", live["status"].Str());
        var criteria = live["criteria"]!.AsArray();
        Assert.True(Math.Abs(live["score"]!.GetValue<decimal>() - criteria.Sum(c => c!["contribution"]!.GetValue<decimal>())) <= 0.05m, live.ToJsonString()); // up to rounding
        Assert.Equal(0.75m, Criterion(live, "dedication")["ratio"]!.GetValue<decimal>());         // (1 of 2 visits (the replay counts once) + the unmeasured item evidenced) / 2
        Assert.Equal(0.85m, Criterion(live, "morality")["ratio"]!.GetValue<decimal>());           // (90 + 80) / 2
        Assert.Equal(1m, Criterion(live, "politics")["ratio"]!.GetValue<decimal>());              // attended 1 of 1
        Assert.False(Criterion(live, "rules")["applicable"]!.GetValue<bool>());                    // no task handed down
        Assert.Equal(1m / 3, Criterion(live, "dedicationIssues")["ratio"]!.GetValue<decimal>(), 4); // 1 resolved issue of 3
        Assert.Equal(0m, Criterion(live, "dedicationPost")["ratio"]!.GetValue<decimal>());
        Assert.Contains("1 visits of 12 expected", Criterion(live, "dedicationPairing")["explanation"].Str());
        // (20×1 + 20×0.85 + 20×0.75 + 10×0 + 10×(1/12) + 5×(1/3)) / 85 applicable × 100 = 54.5 / 85 × 100 → 64.1
        Assert.Equal((64.1m, 2), (live["score"]!.GetValue<decimal>(), live["stars"]!.GetValue<int>()));

        var group = await http.GetJson($"/api/v1/grids/{County.Grid}/party-group/stars?year={Year}");
        Assert.Equal(1, Criterion(group, "goodResponseSatisfaction")["inputs"]!.AsArray().Single(i => i!["name"].Str() == "rated issues")!["value"]!.GetValue<int>());
        Assert.Contains("9 months due", Criterion(group, "goodLeadership")["explanation"].Str()); // March to November

        // 公示: published as provisional; an objection filed and answered; final when the notice ends.
        var published = await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
        Assert.Equal(3, published["published"]!.GetValue<int>());
        Assert.Equal(0, (await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}")))["published"]!.GetValue<int>());
        var starsUrl = $"/api/v1/members/{member}/stars";
        var provisional = await http.GetJson($"{starsUrl}?year={Year}");
        Assert.Equal(("provisional", 2), (provisional["status"].Str(), provisional["stars"]!.GetValue<int>()));
        await (await http.PostJson($"{starsUrl}/objections?year={Year}", """{"text":"x"}""")).AssertInvalid("by", "is required");
        var objected = await Created(await http.PostJson($"{starsUrl}/objections?year={Year}", """{"by":"群众代表汪","text":"走访次数少算了"}"""));
        var objection = objected["objections"]![0]!["id"].Str();
        await (await http.PostJson($"{starsUrl}/objections/{objection}/answer?year={Year}", """{"answer":"x"}""")).AssertInvalid("upheld", "is required");

        app.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal("provisional", (await http.GetJson($"{starsUrl}?year={Year}"))["status"].Str()); // an objection is still open
        await (await http.PostJson($"{starsUrl}/objections?year={Year}", """{"by":"某人","text":"太迟"}""")).AssertProblem(409, "notice period");
        var answered = await Ok(await http.PostJson($"{starsUrl}/objections/{objection}/answer?year={Year}", """{"answer":"经核实，走访记录齐全","upheld":false,"by":"村党支部"}"""));
        Assert.Equal("final", answered["status"].Str());
        await (await http.PostJson($"{starsUrl}/objections/{objection}/answer?year={Year}", """{"answer":"again","upheld":true}""")).AssertProblem(409, "already answered");
        var final = await http.GetJson($"{starsUrl}?year={Year}");
        Assert.Equal(("final", 2), (final["status"].Str(), final["stars"]!.GetValue<int>()));
        Assert.Contains(final["history"]!.AsArray(), h => h!["what"].Str().Contains("objection answered"));
        Assert.Equal("final", (await http.GetJson($"/api/v1/grids/{County.Grid}/party-group/stars?year={Year}"))["status"].Str());

        // Boards at village and county.
        var board = await http.GetJson($"/api/v1/villages/{County.Village}/star-board?year={Year}");
        Assert.Equal(2, board["members"]!.AsArray().Count);
        Assert.Equal(2, board["memberDistribution"]!.AsArray().Sum(n => n!.GetValue<int>()));
        Assert.Equal(1, board["memberDistribution"]![1]!.GetValue<int>() >= 1 ? 1 : 0); // the member's 2 stars
        // The county's board is summed up the tree after the answers: village → township → county.
        var county = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/star-board?year={Year}"),
            b => b["membersPublished"]!.GetValue<int>() == 2, "the county board to count both members");
        Assert.Single(county["groups"]!.AsArray());
        Assert.Equal(2, county["members"]!.AsArray().Count);
        Assert.Equal(board["memberDistribution"]!.ToJsonString(), county["memberDistribution"]!.ToJsonString());
        Assert.Equal(County.Township, county["units"]![0]!["unit"].Str());

        // The public 三亮 board: no key, no phone numbers, no household head or address.
        var anonymous = app.ClientWith(null);
        Assert.Equal(401, (int)(await anonymous.GetAsync($"/api/v1/members/{member}/stars?year={Year}")).StatusCode);
        var response = await anonymous.GetAsync($"/public/v1/villages/{County.Village}/three-shows?year={Year}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        foreach (var secret in new[] { "13955600001", "13800001111", "13800000000", "0556-4611234", "13855611111", "王大妈", "董屋组3号", "张三", "群众代表汪" })
        {
            Assert.DoesNotContain(secret, text);
        }
        var shows = JsonNode.Parse(text)!;
        Assert.Contains("每月走访联系户", text);
        Assert.Equal(3, shows["results"]!["stars"]!.AsArray().Count); // the group and both members, all final
        Assert.Contains(shows["identity"]!["groups"]![0]!["members"]!.AsArray(), m => m!["name"].Str() == "星董甲");
        Assert.Equal(404, (int)(await anonymous.GetAsync("/public/v1/villages/340822100299/three-shows")).StatusCode);
    }

    private static JsonNode Criterion(JsonNode stars, string key) => stars["criteria"]!.AsArray().Single(c => c!["key"].Str() == key)!;
}
