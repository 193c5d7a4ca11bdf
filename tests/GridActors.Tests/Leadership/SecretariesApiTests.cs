using System.Net;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Leadership;

/// <summary>The county's work on village secretaries: filing (备案), training, team assessment (研判) and the slate check.</summary>
[Collection(LeadershipCollection.Name)]
public sealed class SecretariesApiTests(LeadershipFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    private static string OneSecretary(string electedOn, string name, string birthDate) =>
        Slates.Term(electedOn, Slates.Cadre(name, "male", birthDate, "college", true, "branchSecretary", "villageDirector"));

    [Fact]
    public async Task Filing_StartsPending_IsRecorded_AndLapsesWhenTheSecretaryIsReplaced()
    {
        const string county = "340828", v1 = "340828100201", v2 = "340828100202";
        await Slates.Units(_http, county, v1, v2);
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v1}/terms/2021", OneSecretary("2021-01-10", "甲", "1975-01-01")));
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v2}/terms/2021", OneSecretary("2021-01-10", "乙", "1976-01-01")));

        var pending = await _http.GetJson($"/api/v1/counties/{county}/filings?term=2021");
        Assert.All(pending["items"]!.AsArray(), f => Assert.Equal("pending", f!["status"].Str()));

        var filed = await _http.PutJson($"/api/v1/villages/{v1}/terms/2021/filing", """{"status":"filed","filedOn":"2021-02-10","note":"县委组织部备案"}""");
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        var list = await _http.GetJson($"/api/v1/counties/{county}/filings?term=2021");
        Assert.Equal(new[] { (v1, "甲", "filed", "2021-02-10"), (v2, "乙", "pending", "") },
            list["items"]!.AsArray().Select(f => (f!["village"].Str(), f["secretary"].Str(), f["status"].Str(), f["filedOn"]?.Str() ?? "")));
        var onlyPending = await _http.GetJson($"/api/v1/counties/{county}/filings?term=2021&status=pending");
        Assert.Equal(v2, Assert.Single(onlyPending["items"]!.AsArray())!["village"].Str());

        // Another secretary for the same term: the filing named 甲 no longer applies.
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v1}/terms/2021", OneSecretary("2021-01-10", "丙", "1980-01-01")));
        var lapsed = await _http.GetJson($"/api/v1/villages/{v1}/terms/2021/filing");
        Assert.Equal(("丙", "pending"), (lapsed["secretary"].Str(), lapsed["status"].Str()));
    }

    [Theory]
    [InlineData("""{"status":"filed"}""", "filedOn", "is required")]
    [InlineData("""{"status":"filed","filedOn":"2020-12-31"}""", "filedOn", "must not be before the election on 2021-01-10")]
    [InlineData("""{"status":"filed","filedOn":"2026-03-03"}""", "filedOn", "must not be in the future")]
    [InlineData("""{"status":"pending","filedOn":"2021-02-01"}""", "filedOn", "must be left out while the filing is pending")]
    [InlineData("""{"status":"approved","filedOn":"2021-02-01"}""", "status", "one of: pending, filed, returned, revoked")]
    public async Task Filing_BreakingARule_Answers400(string body, string field, string rule)
    {
        const string village = "340831100201";
        await Slates.Units(_http, "340831", village);
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{village}/terms/2021", OneSecretary("2021-01-10", "丁", "1977-01-01")));
        await (await _http.PutJson($"/api/v1/villages/{village}/terms/2021/filing", body)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task Filing_OfATermNotRecorded_Answers404()
    {
        var response = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2016/filing", """{"status":"filed","filedOn":"2016-02-01"}""");
        await response.AssertProblem(404, "No term 2016");
    }

    [Fact]
    public async Task Training_ListsTheSecretariesWithoutTrainingThisYear_ByPerson()
    {
        const string county = "340829", v1 = "340829100201", v2 = "340829100202", v3 = "340829100203", v4 = "340829100204";
        await Slates.Units(_http, county, v1, v2, v3, v4);
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v1}/terms/2021", OneSecretary("2021-01-10", "甲", "1975-01-01")));
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v2}/terms/2021", OneSecretary("2021-01-10", "乙", "1976-01-01")));
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v3}/terms/2021", OneSecretary("2021-01-10", "丙", "1977-01-01")));

        var spring = await _http.PutJson($"/api/v1/counties/{county}/trainings/2025/sessions/spring",
            $$"""{"title":"2025年村党组织书记春季培训班","heldOn":"2025-04-10","attendees":["{{v1}}","{{v3}}"]}""");
        Assert.Equal(HttpStatusCode.Created, spring.StatusCode);
        Assert.Equal(new[] { ("340829100201", "甲"), ("340829100203", "丙") },
            (await spring.Json())["attendees"]!.AsArray().Select(a => (a!["village"].Str(), a["name"].Str())));
        Assert.Equal(new[] { v2 }, await Untrained(county, 2025));

        // A by-election in v3 brings a new secretary in 2025: 丙 was trained, 戊 was not.
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{v3}/terms/2025", OneSecretary("2025-06-01", "戊", "1990-01-01")));
        var untrained = await _http.GetJson($"/api/v1/counties/{county}/trainings/2025/untrained");
        Assert.Equal(new[] { (v2, "乙", 2021), (v3, "戊", 2025) },
            untrained["items"]!.AsArray().Select(s => (s!["village"].Str(), s["name"].Str(), s["term"]!.GetValue<int>())));

        await Slates.Ok(_http.PutJson($"/api/v1/counties/{county}/trainings/2025/sessions/autumn",
            $$"""{"title":"秋季培训班","heldOn":"2025-10-10","attendees":["{{v2}}","{{v3}}"]}"""));
        Assert.Empty(await Untrained(county, 2025));
        var sessions = await _http.GetJson($"/api/v1/counties/{county}/trainings/2025");
        Assert.Equal(new[] { "spring", "autumn" }, sessions["items"]!.AsArray().Select(s => s!["id"].Str()));

        // In 2026 nobody has been trained yet.
        Assert.Equal(new[] { v1, v2, v3 }, await Untrained(county, 2026));
    }

    [Theory]
    [InlineData("""{"title":"培训班","heldOn":"2025-04-10","attendees":["340829100204"]}""", "attendees[0]", "has no branchSecretary on record")]
    [InlineData("""{"title":"培训班","heldOn":"2025-04-10","attendees":["340822100201"]}""", "attendees[0]", "must be a village of the county 340829")]
    [InlineData("""{"title":"培训班","heldOn":"2025-04-10","attendees":["340829100201","340829100201"]}""", "attendees[1]", "must not repeat")]
    [InlineData("""{"title":"培训班","heldOn":"2024-12-30","attendees":["340829100201"]}""", "heldOn", "must fall within the year 2025")]
    [InlineData("""{"title":"培训班","heldOn":"2025-04-10","attendees":[]}""", "attendees", "is required")]
    [InlineData("""{"heldOn":"2025-04-10","attendees":["340829100201"]}""", "title", "is required")]
    public async Task TrainingSession_BreakingARule_Answers400(string body, string field, string rule)
    {
        await Slates.Units(_http, "340829", "340829100201", "340829100204");
        await Slates.Ok(_http.PutJson("/api/v1/villages/340829100201/terms/2021", OneSecretary("2021-01-10", "甲", "1975-01-01")));
        await (await _http.PutJson("/api/v1/counties/340829/trainings/2025/sessions/check", body)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task TeamAssessment_IsRecordedPerVillageAndYear_AndListedByRating()
    {
        var created = await _http.PutJson($"/api/v1/villages/{County.Village}/assessments/2025",
            """{"rating":"weak","notes":"班子不团结，需整顿","assessedBy":"县委组织部"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{County.Village2}/assessments/2025", """{"rating":"good"}"""));

        var read = await _http.GetJson($"/api/v1/villages/{County.Village}/assessments/2025");
        Assert.Equal(("weak", "班子不团结，需整顿"), (read["rating"].Str(), read["notes"].Str()));
        var weak = await _http.GetJson($"/api/v1/counties/{County.Code}/assessments/2025?rating=weak");
        Assert.Equal(County.Village, Assert.Single(weak["items"]!.AsArray())!["village"].Str());
        var all = await _http.GetJson($"/api/v1/counties/{County.Code}/assessments/2025");
        Assert.Equal(2, all["items"]!.AsArray().Count);

        // A second assessment of the same year replaces the first.
        var replaced = await _http.PutJson($"/api/v1/villages/{County.Village}/assessments/2025", """{"rating":"average"}""");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Empty((await _http.GetJson($"/api/v1/counties/{County.Code}/assessments/2025?rating=weak"))["items"]!.AsArray());
    }

    [Fact]
    public async Task TeamAssessment_BadInput_Answers400_UnknownVillage404()
    {
        await (await _http.PutJson($"/api/v1/villages/{County.Village}/assessments/2025", """{"rating":"excellent"}""")).AssertInvalid("rating", "one of: good, fairlyGood, average, weak");
        await (await _http.PutJson($"/api/v1/villages/{County.Village}/assessments/2027", """{"rating":"good"}""")).AssertInvalid("year", "must not be a future year");
        await (await _http.PutJson("/api/v1/villages/340822100299/assessments/2025", """{"rating":"good"}""")).AssertProblem(404);
        await (await _http.GetAsync($"/api/v1/villages/{County.Village2}/assessments/2019")).AssertProblem(404);
    }

    [Fact]
    public async Task SlateCheck_WarnsOfTheCountysRules_DefaultsUntilConfigured()
    {
        const string county = "340830", village = "340830100201";
        await Slates.Units(_http, county, village);
        var rules = await _http.GetJson($"/api/v1/counties/{county}/slate-rules");
        Assert.Equal((false, 1, 1), (rules["configured"]!.GetValue<bool>(), rules["minWomen"]!.GetValue<int>(), rules["minUnder35"]!.GetValue<int>()));

        // Planned for 2026-06-01 (a slate may be checked before its election): two men of 56 and 46, both senior school.
        var slate = Slates.Term("2026-06-01",
            Slates.Cadre("钱进", "male", "1970-01-01", "senior", true, "branchSecretary"),
            Slates.Cadre("孙强", "male", "1980-01-01", "senior", false, "villageDirector"));
        Assert.Equal(new[] { "minWomen", "minUnder35" }, await Warnings(village, slate));

        await Slates.Ok(_http.PutJson($"/api/v1/counties/{county}/slate-rules",
            """{"minWomen":0,"minUnder35":0,"secretaryMinEducation":"college","secretaryMaxAge":55,"oneShoulder":true}"""));
        var configured = await _http.GetJson($"/api/v1/counties/{county}/slate-rules");
        Assert.Equal((true, "college"), (configured["configured"]!.GetValue<bool>(), configured["secretaryMinEducation"].Str()));
        Assert.Equal(new[] { "secretaryMinEducation", "secretaryMaxAge", "oneShoulder" }, await Warnings(village, slate));

        var good = Slates.Term("2026-06-01", Slates.Cadre("吴芳", "female", "1988-08-08", "bachelor", true, "branchSecretary", "villageDirector"));
        Assert.Empty(await Warnings(village, good));
    }

    [Fact]
    public async Task SlateCheck_StructuralRulesStillAnswer400_AndRulesAreChecked()
    {
        var twoSecretaries = Slates.Term("2026-06-01",
            Slates.Cadre("甲", "male", "1980-01-01", "senior", true, "branchSecretary"),
            Slates.Cadre("乙", "male", "1981-01-01", "senior", true, "branchSecretary"));
        await (await _http.PostJson($"/api/v1/villages/{County.Village}/slate-check", twoSecretaries)).AssertInvalid("cadres[1].roles", "exactly one branchSecretary");
        await (await _http.PutJson($"/api/v1/counties/{County.Code}/slate-rules", """{"secretaryMinEducation":"phd"}""")).AssertInvalid("secretaryMinEducation", "must be one of");
        await (await _http.PutJson($"/api/v1/counties/{County.Code}/slate-rules", """{"secretaryMaxAge":90}""")).AssertInvalid("secretaryMaxAge", "from 18 to 75");
        await (await _http.PutJson("/api/v1/counties/340899/slate-rules", "{}")).AssertProblem(404);
    }

    private async Task<string[]> Untrained(string county, int year) =>
        (await _http.GetJson($"/api/v1/counties/{county}/trainings/{year}/untrained"))["items"]!.AsArray().Select(s => s!["village"].Str()).ToArray();

    private async Task<string[]> Warnings(string village, string slate)
    {
        var response = await _http.PostJson($"/api/v1/villages/{village}/slate-check", slate);
        var body = await response.Json();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["warnings"]!.AsArray().Select(w => w!["rule"].Str()).ToArray();
    }
}
