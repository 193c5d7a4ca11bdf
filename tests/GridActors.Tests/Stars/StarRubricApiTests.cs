using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Stars;

/// <summary>
/// A county's own star rubric through <c>PUT /counties/{code}/star-rubric</c>: it changes the stars and their
/// explanation, a bad rubric is refused field by field with nothing written, only the county's managers may set it,
/// and it is fixed once ratings of the year are published.
/// </summary>
public sealed class StarRubricApiTests
{
    private const int Year = 2026;
    private static readonly string RubricUrl = $"/api/v1/counties/{County.Code}/star-rubric?year={Year}";

    /// <summary>A county rubric unlike the default: other criteria, weights, a target, thresholds and notice period.</summary>
    private const string CountyRubric = """
        {"groupCriteria":[
            {"key":"meetings","name":"班子好: 每月集中活动","source":"activityCompliance","weight":60},
            {"key":"turnout","name":"队伍好: 党员参加活动","source":"attendance","weight":40}],
         "memberCriteria":[
            {"key":"turnout","name":"讲政治、有信念: 参加组织生活","source":"attendance","weight":70},
            {"key":"post","name":"讲奉献、有作为: 岗位履职","source":"postWork","weight":30,"target":4}],
         "thresholds":[20,40,60,65],
         "noticeDays":10,
         "by":"县委组织部"}
        """;

    [Fact]
    public async Task ACountyRubric_ChangesTheStarsAndTheirExplanation_ForItsYearOnly_AndIsFixedOncePublished()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        var (member, _) = await GridWithAnActivity(http);

        // Default rubric: the member attended 1 of 1 (20 points), has no commitment (20, counts 0), no post work (10 of 0),
        // no resolved issue (5 of 0); the rest has no base. 20 / 55 × 100 = 36.4: 1 star.
        var byDefault = await http.GetJson($"/api/v1/members/{member}/stars?year={Year}");
        Assert.True(byDefault["defaultRubric"]!.GetValue<bool>());
        Assert.Equal((36.4m, 1), (byDefault["score"]!.GetValue<decimal>(), byDefault["stars"]!.GetValue<int>()));
        // The group: 1 attendance of 2 places (15 points, ratio 0.5) and no commitment (25, counts 0): 7.5 / 40 × 100 = 18.8.
        var groupByDefault = await http.GetJson($"/api/v1/grids/{County.Grid}/party-group/stars?year={Year}");
        Assert.Equal((18.8m, 1), (groupByDefault["score"]!.GetValue<decimal>(), groupByDefault["stars"]!.GetValue<int>()));

        var set = await Ok(await http.PutJson(RubricUrl, CountyRubric));
        Assert.False(set["isDefault"]!.GetValue<bool>());
        Assert.Equal("县委组织部", set["setBy"].Str());
        Assert.Equal(app.Clock.GetUtcNow(), set["setAt"]!.GetValue<DateTimeOffset>());
        var read = await http.GetJson(RubricUrl);
        Assert.Equal(set.ToJsonString(), read.ToJsonString());

        // County rubric: attendance 1 × 70 + post work 0 of 4 × 30 = 70 of 100; thresholds 20/40/60/65 all reached: 5 stars.
        var mine = await http.GetJson($"/api/v1/members/{member}/stars?year={Year}");
        Assert.False(mine["defaultRubric"]!.GetValue<bool>());
        Assert.Equal((70m, 5), (mine["score"]!.GetValue<decimal>(), mine["stars"]!.GetValue<int>()));
        Assert.Equal(["turnout", "post"], mine["criteria"]!.AsArray().Select(c => c!["key"].Str()));
        Assert.Equal(70m, Criterion(mine, "turnout")["contribution"]!.GetValue<decimal>());
        Assert.Equal(4m, Criterion(mine, "post")["inputs"]!.AsArray().Single(i => i!["name"].Str() == "target")!["value"]!.GetValue<decimal>());
        Assert.Contains("0 post work entries of a target of 4", Criterion(mine, "post")["explanation"].Str());
        Assert.Contains("thresholds 20/40/60/65 for 2-5 stars; reached 20, 40, 60, 65: 5 stars", mine["explanation"].Str());
        Assert.Equal([20m, 40m, 60m, 65m], mine["thresholds"]!.AsArray().Select(t => t!.GetValue<decimal>()));

        // The group: no month is over since it was set up, so the meetings criterion has no base and turnout (0.5) takes
        // all the points: 50, which reaches 20 and 40: 3 stars.
        var group = await http.GetJson($"/api/v1/grids/{County.Grid}/party-group/stars?year={Year}");
        Assert.Equal((50m, 3), (group["score"]!.GetValue<decimal>(), group["stars"]!.GetValue<int>()));
        Assert.False(Criterion(group, "meetings")["applicable"]!.GetValue<bool>());

        // Another year still has the default rubric.
        Assert.True((await http.GetJson($"/api/v1/counties/{County.Code}/star-rubric?year=2027"))["isDefault"]!.GetValue<bool>());

        // Published: the notice runs the county's 10 days, and the year's rubric can no longer change.
        await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
        var published = await http.GetJson($"/api/v1/members/{member}/stars?year={Year}");
        Assert.Equal(app.Clock.GetUtcNow().AddDays(10), published["noticeEndsAt"]!.GetValue<DateTimeOffset>());
        await (await http.PutJson(RubricUrl, CountyRubric.Replace("\"noticeDays\":10", "\"noticeDays\":5"))).AssertProblem(409, "can no longer change");
        Assert.Equal(set.ToJsonString(), (await http.GetJson(RubricUrl)).ToJsonString());
        Assert.Equal(5, (await http.GetJson($"/api/v1/members/{member}/stars?year={Year}"))["stars"]!.GetValue<int>());
    }

    [Fact]
    public async Task ABadRubric_Gets400NamingTheFieldAndRule_AndWritesNothing()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var before = await Ok(await http.PutJson(RubricUrl, CountyRubric));

        (string Field, string Rule, string Body, string Url)[] cases =
        [
            ("groupCriteria", "weights must add up to 100 points (they add up to 90)", CountyRubric.Replace("\"weight\":40", "\"weight\":30"), RubricUrl),
            ("memberCriteria", "weights must add up to 100 points (they add up to 110)", CountyRubric.Replace("\"weight\":70", "\"weight\":80"), RubricUrl),
            ("thresholds", "must rise strictly", CountyRubric.Replace("[20,40,60,65]", "[20,60,40,65]"), RubricUrl),
            ("thresholds", "must rise strictly, each above 0 and at most 100", CountyRubric.Replace("[20,40,60,65]", "[20,40,60,120]"), RubricUrl),
            ("thresholds", "must be four scores", CountyRubric.Replace("[20,40,60,65]", "[20,40,60]"), RubricUrl),
            ("memberCriteria[0].source", "must be one of: commitmentFulfilment", CountyRubric.Replace("\"source\":\"attendance\",\"weight\":70", "\"source\":\"partyFees\",\"weight\":70"), RubricUrl),
            ("memberCriteria[0].source", "has the wrong JSON type", CountyRubric.Replace("\"source\":\"attendance\",\"weight\":70", "\"source\":3,\"weight\":70"), RubricUrl),
            ("memberCriteria[1].target", "is required for postWork", CountyRubric.Replace(",\"target\":4", ""), RubricUrl),
            ("memberCriteria[0].target", "is only read by postWork, issuesHandled and pairingVisits", CountyRubric.Replace("\"weight\":70}", "\"weight\":70,\"target\":3}"), RubricUrl),
            ("groupCriteria[1].key", "must not repeat", CountyRubric.Replace("\"key\":\"turnout\",\"name\":\"队伍好", "\"key\":\"meetings\",\"name\":\"队伍好"), RubricUrl),
            ("groupCriteria[0].weight", "must be above 0", CountyRubric.Replace("\"weight\":60", "\"weight\":0"), RubricUrl),
            ("noticeDays", "公示期", CountyRubric.Replace("\"noticeDays\":10", "\"noticeDays\":0"), RubricUrl),
            ("memberCriteria", "must list at least one criterion", """{"groupCriteria":[{"key":"a","name":"班子好","source":"activityCompliance","weight":100}],"thresholds":[20,40,60,65],"noticeDays":7}""", RubricUrl),
            ("weights", "is not a known field", CountyRubric.Replace("\"noticeDays\":10", "\"noticeDays\":10,\"weights\":[1]"), RubricUrl),
            ("year", "must be a year", CountyRubric, $"/api/v1/counties/{County.Code}/star-rubric?year=1999"),
            ("code", "6 (county)", CountyRubric, "/api/v1/counties/34082/star-rubric?year=2026"),
        ];
        foreach (var (field, rule, body, url) in cases)
        {
            await (await http.PutJson(url, body)).AssertInvalid(field, rule);
        }

        // Nothing was written: the rubric is the one set before, to the byte.
        Assert.Equal(before.ToJsonString(), (await http.GetJson(RubricUrl)).ToJsonString());

        // A county that is not registered: 404, for a valid rubric as for a read.
        await (await http.PutJson($"/api/v1/counties/340899/star-rubric?year={Year}", CountyRubric)).AssertProblem(404, "340899");
        await (await http.GetAsync($"/api/v1/counties/340899/star-rubric?year={Year}")).AssertProblem(404);
    }

    [Fact]
    public async Task OnlyTheCountysManagersSetItsRubric_OthersGet403Or404AsThePermissionsSay()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        var countyManager = app.ClientWith(await Key(admin, "manager", County.Code));
        var otherCountyManager = app.ClientWith(await Key(admin, "manager", "340823"));
        var townshipManager = app.ClientWith(await Key(admin, "manager", County.Township));
        var reader = app.ClientWith(await Key(admin, "reader", County.Code));
        var handler = app.ClientWith(await Key(admin, "handler", County.Code));
        var otherReader = app.ClientWith(await Key(admin, "reader", "340823"));

        await (await reader.PutJson(RubricUrl, CountyRubric)).AssertProblem(403, "manager role");
        await (await handler.PutJson(RubricUrl, CountyRubric)).AssertProblem(403, "manager role");
        await (await otherCountyManager.PutJson(RubricUrl, CountyRubric)).AssertProblem(403, "outside this key's jurisdiction");
        // A township's managers rate by the county's standard; they do not set it.
        await (await townshipManager.PutJson(RubricUrl, CountyRubric)).AssertProblem(403, "outside this key's jurisdiction");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(null).PutJson(RubricUrl, CountyRubric)).StatusCode);
        Assert.True((await reader.GetJson(RubricUrl))["isDefault"]!.GetValue<bool>()); // nothing refused was written

        Assert.False((await Ok(await countyManager.PutJson(RubricUrl, CountyRubric)))["isDefault"]!.GetValue<bool>());
        Assert.Equal(20m, (await reader.GetJson(RubricUrl))["thresholds"]![0]!.GetValue<decimal>());
        // Reads outside the jurisdiction are 404, nothing leaks; a township key sees the rubric's criteria, weights and
        // thresholds in every rating of its groups and members, not on the county's page.
        await (await otherReader.GetAsync(RubricUrl)).AssertProblem(404);
        await (await townshipManager.GetAsync(RubricUrl)).AssertProblem(404);
    }

    /// <summary>A grid with a Party group of a leader and a member, and one activity in March the member attended.</summary>
    private static async Task<(string Member, string Leader)> GridWithAnActivity(HttpClient http)
    {
        await County.Create(http);
        var leader = await CreateMember(http, County.Grid, "规董组长");
        var member = await CreateMember(http, County.Grid, "规董甲");
        await SetUpGroup(http, County.Grid, leader);
        await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/party-group/activities",
            $$"""{"date":"2026-03-02","kind":"policyStudy","topic":"学习星级评定标准","attendees":["{{member}}"]}"""));
        return (member, leader);
    }

    private static async Task<string> Key(HttpClient admin, string role, string jurisdiction)
    {
        var response = await admin.PostJson("/api/v1/keys", $$"""{"app":"{{role}}-{{jurisdiction}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    private static JsonNode Criterion(JsonNode stars, string key) => stars["criteria"]!.AsArray().Single(c => c!["key"].Str() == key)!;
}
