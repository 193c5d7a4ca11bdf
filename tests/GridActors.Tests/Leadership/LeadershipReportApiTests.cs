using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Leadership;

[Collection(LeadershipCollection.Name)]
public sealed class LeadershipReportApiTests(LeadershipFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task CountyReport_MatchesTheHandWorkedFigures()
    {
        // 2021 (see HandWorked): villages 4; cadres 5+3+4+3 = 15; cross-appointed 2+1+2+2 = 7, 7/15 = 46.67%;
        // one-shoulder A1, A3, B1 = 3 of 4 = 75%; ages 210+126+157+144 = 637, 637/15 = 42.4667 → 42.47;
        // secretaries 45+41+32+54 = 172, /4 = 43; college or above 2+1+2+1 = 6, 6/15 = 40%.
        // Previous term held for the county: 2018 (A1 and B1): ages 104+149 = 253 over 5 = 50.6 → change
        // 42.4667-50.6 = -8.1333 → -8.13; secretaries (62+51)/2 = 56.5 → 43-56.5 = -13.5.
        var r = await _http.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2021");

        Assert.Equal(4, Int(r, "villages"));
        Assert.Equal(15, Int(r, "cadres"));
        Assert.Equal(7, Int(r, "crossAppointed"));
        Assert.Equal(46.67m, Dec(r, "crossAppointedPercent"));
        Assert.Equal(3, Int(r, "oneShoulderVillages"));
        Assert.Equal(75m, Dec(r, "oneShoulderPercent"));
        Assert.Equal(42.47m, Dec(r, "averageAge"));
        Assert.Equal(-8.13m, Dec(r, "averageAgeChange"));
        Assert.Equal(43m, Dec(r, "secretaryAverageAge"));
        Assert.Equal(-13.5m, Dec(r, "secretaryAverageAgeChange"));
        Assert.Equal(6, Int(r, "collegeOrAbove"));
        Assert.Equal(40m, Dec(r, "collegeOrAbovePercent"));
    }

    [Fact]
    public async Task CountyReport_BreaksDownByEducationGenderAndAgeBand()
    {
        // Education: primary 1 (周杰), junior 3 (陈刚, 郑浩, 黄斌), senior 4 (王强, 孙丽, 何亮, 马军), vocational 1 (赵敏),
        // college 3 (李娜, 刘洋, 冯雪), bachelor 2 (张伟, 林静), master 1 (吴芳), doctorate 0 — 15 in all.
        // Gender: women 6 (李娜, 赵敏, 孙丽, 吴芳, 冯雪, 林静) = 40%, men 9 = 60%.
        // Age bands: under 35: 31, 24, 32, 20 = 4; 35-44: 41, 35, 44, 42 = 4; 45-54: 45, 52, 50, 54, 48 = 5; 55-59: 58 = 1; 60+: 61 = 1.
        var r = await _http.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2021");

        var education = r["byEducation"]!;
        Assert.Equal((1, 6.67m), Share(education, "primary"));
        Assert.Equal((3, 20m), Share(education, "junior"));
        Assert.Equal((4, 26.67m), Share(education, "senior"));
        Assert.Equal((1, 6.67m), Share(education, "vocational"));
        Assert.Equal((3, 20m), Share(education, "college"));
        Assert.Equal((2, 13.33m), Share(education, "bachelor"));
        Assert.Equal((1, 6.67m), Share(education, "master"));
        Assert.Equal((0, 0m), Share(education, "doctorate"));

        Assert.Equal((9, 60m), Share(r["byGender"]!, "male"));
        Assert.Equal((6, 40m), Share(r["byGender"]!, "female"));

        var bands = r["byAgeBand"]!;
        Assert.Equal((4, 26.67m), Share(bands, "under35"));
        Assert.Equal((4, 26.67m), Share(bands, "35to44"));
        Assert.Equal((5, 33.33m), Share(bands, "45to54"));
        Assert.Equal((1, 6.67m), Share(bands, "55to59"));
        Assert.Equal((1, 6.67m), Share(bands, "60andOver"));
    }

    [Fact]
    public async Task TownshipReports_CompareWithEachTownshipsOwnPreviousTerm()
    {
        // Township A, 2021: A1, A2, A3: cadres 12, cross 5 → 41.67%; one-shoulder 2 of 3 → 66.67%; ages 493/12 = 41.0833 → 41.08;
        // secretaries 118/3 = 39.3333 → 39.33; college 5/12 → 41.67%. Its 2018 holds only A1: 104/2 = 52, secretary 62:
        // changes 41.0833-52 = -10.9167 → -10.92 and 39.3333-62 = -22.6667 → -22.67.
        var a = await _http.GetJson($"/api/v1/townships/{HandWorked.TownshipA}/leadership?term=2021");
        Assert.Equal((3, 12, 5, 2, 5), (Int(a, "villages"), Int(a, "cadres"), Int(a, "crossAppointed"), Int(a, "oneShoulderVillages"), Int(a, "collegeOrAbove")));
        Assert.Equal((41.67m, 66.67m, 41.67m), (Dec(a, "crossAppointedPercent"), Dec(a, "oneShoulderPercent"), Dec(a, "collegeOrAbovePercent")));
        Assert.Equal((41.08m, -10.92m), (Dec(a, "averageAge"), Dec(a, "averageAgeChange")));
        Assert.Equal((39.33m, -22.67m), (Dec(a, "secretaryAverageAge"), Dec(a, "secretaryAverageAgeChange")));

        // Township B, 2021: B1 alone: 144/3 = 48, secretary 54; 2018: 149/3 = 49.6667, secretary 51 → -1.67 and +3.
        var b = await _http.GetJson($"/api/v1/townships/{HandWorked.TownshipB}/leadership?term=2021");
        Assert.Equal((1, 3, 2, 1), (Int(b, "villages"), Int(b, "cadres"), Int(b, "crossAppointed"), Int(b, "oneShoulderVillages")));
        Assert.Equal((48m, -1.67m), (Dec(b, "averageAge"), Dec(b, "averageAgeChange")));
        Assert.Equal((54m, 3m), (Dec(b, "secretaryAverageAge"), Dec(b, "secretaryAverageAgeChange")));
    }

    [Fact]
    public async Task Report_OfTheFirstTermHeld_HasNullChanges()
    {
        // 2018: A1 and B1, 5 cadres, ages 253 → 50.6, secretaries 113/2 = 56.5; nothing earlier.
        var r = await _http.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2018");
        Assert.Equal((2, 5), (Int(r, "villages"), Int(r, "cadres")));
        Assert.Equal((50.6m, 56.5m), (Dec(r, "averageAge"), Dec(r, "secretaryAverageAge")));
        Assert.True(r.AsObject().ContainsKey("averageAgeChange"), "averageAgeChange is written as null, not left out");
        Assert.Null(r["averageAgeChange"]);
        Assert.Null(r["secretaryAverageAgeChange"]);
    }

    [Fact]
    public async Task Report_HasExactlyTheFieldsOfTheCountysReport()
    {
        var r = await _http.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2021");
        string[] expected =
        [
            "villages", "cadres", "crossAppointed", "crossAppointedPercent", "oneShoulderVillages", "oneShoulderPercent",
            "averageAge", "averageAgeChange", "secretaryAverageAge", "secretaryAverageAgeChange", "collegeOrAbove", "collegeOrAbovePercent",
            "byEducation", "byGender", "byAgeBand",
        ];
        Assert.Equal(expected.Order(), r.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Report_OfATermWithNoVillages_CountsZero()
    {
        var r = await _http.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2024");
        Assert.Equal((0, 0), (Int(r, "villages"), Int(r, "cadres")));
        Assert.Null(r["averageAge"]);
        Assert.Null(r["averageAgeChange"]);
    }

    [Theory]
    [InlineData("", "term", "is required")]
    [InlineData("?term=21", "term", "must be a year YYYY")]
    [InlineData("?term=1980", "term", "from 1990 to 2100")]
    public async Task Report_WithoutAValidTerm_Answers400NamingTerm(string query, string field, string rule) =>
        await (await _http.GetAsync($"/api/v1/counties/{HandWorked.County}/leadership{query}")).AssertInvalid(field, rule);

    [Fact]
    public async Task Report_OfAnUnknownCountyOrTownship_Answers404()
    {
        await (await _http.GetAsync("/api/v1/counties/340899/leadership?term=2021")).AssertProblem(404);
        await (await _http.GetAsync("/api/v1/townships/340824199/leadership?term=2021")).AssertProblem(404);
    }

    [Fact]
    public async Task ReplacingATermsCadres_ChangesTheReport()
    {
        const string village = "340826100201";
        await Slates.Units(_http, "340826", village);
        var first = Slates.Term("2021-02-01",
            Slates.Cadre("甲", "male", "1971-02-01", "senior", true, "branchSecretary"), // 50
            Slates.Cadre("乙", "male", "1981-02-01", "junior", false, "villageDirector")); // 40
        var created = await _http.PutJson($"/api/v1/villages/{village}/terms/2021", first);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await _http.GetJson("/api/v1/counties/340826/leadership?term=2021");
        Assert.Equal((2, 0, 0, 45m, 50m, 0), (Int(before, "cadres"), Int(before, "crossAppointed"), Int(before, "oneShoulderVillages"),
            Dec(before, "averageAge"), Dec(before, "secretaryAverageAge"), Int(before, "collegeOrAbove")));

        // The secretary now also directs the villagers' committee, and a young graduate joins: 3 cadres, ages 50+40+25.
        var replaced = Slates.Term("2021-02-01",
            Slates.Cadre("甲", "male", "1971-02-01", "senior", true, "branchSecretary", "villageDirector"),
            Slates.Cadre("乙", "male", "1981-02-01", "junior", false, "villageDeputyDirector"),
            Slates.Cadre("丙", "female", "1996-02-01", "bachelor", true, "branchCommitteeMember"));
        var updated = await _http.PutJson($"/api/v1/villages/{village}/terms/2021", replaced);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var after = await _http.GetJson("/api/v1/counties/340826/leadership?term=2021");
        Assert.Equal((1, 3, 1, 1, 1), (Int(after, "villages"), Int(after, "cadres"), Int(after, "crossAppointed"), Int(after, "oneShoulderVillages"), Int(after, "collegeOrAbove")));
        Assert.Equal((38.33m, 50m, 100m), (Dec(after, "averageAge"), Dec(after, "secretaryAverageAge"), Dec(after, "oneShoulderPercent")));
        Assert.Equal((1, 33.33m), Share(after["byGender"]!, "female"));
    }

    [Fact]
    public async Task DeletingATerm_RemovesItFromTheReport()
    {
        const string village = "340827100201";
        await Slates.Units(_http, "340827", village);
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{village}/terms/2021", Slates.Term("2021-02-01",
            Slates.Cadre("甲", "male", "1971-02-01", "senior", true, "branchSecretary"))));

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync($"/api/v1/villages/{village}/terms/2021")).StatusCode);

        var r = await _http.GetJson("/api/v1/counties/340827/leadership?term=2021");
        Assert.Equal(0, Int(r, "villages"));
        await (await _http.GetAsync($"/api/v1/villages/{village}/terms/2021")).AssertProblem(404);
        await (await _http.DeleteAsync($"/api/v1/villages/{village}/terms/2021")).AssertProblem(404);
    }

    internal static int Int(JsonNode node, string field) => node[field]!.GetValue<int>();

    internal static decimal Dec(JsonNode node, string field) => node[field]!.GetValue<decimal>();

    internal static (int, decimal) Share(JsonNode breakdown, string key) => (Int(breakdown[key]!, "count"), Dec(breakdown[key]!, "percent"));
}

[Collection(LeadershipCollection.Name)]
public sealed class LeadershipOpenApiTests(LeadershipFixture fixture)
{
    [Fact]
    public async Task OpenApiDocument_DescribesTheLeadershipEndpointsWithTheirChineseTerms()
    {
        var text = await fixture.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/villages/{code}/terms/{year}", text);
        Assert.Contains("/api/v1/counties/{code}/leadership", text);
        Assert.Contains("/api/v1/townships/{code}/leadership", text);
        Assert.Contains("/api/v1/villages/{code}/slate-check", text);
        Assert.Contains("村两委", System.Text.RegularExpressions.Regex.Unescape(text));
    }

    [Fact]
    public async Task Report_WritesEveryFigureWithTwoDecimals()
    {
        var text = await fixture.Http.GetStringAsync($"/api/v1/counties/{HandWorked.County}/leadership?term=2021");
        Assert.Contains("\"oneShoulderPercent\":75.00", text);
        Assert.Contains("\"secretaryAverageAge\":43.00", text);
        Assert.Contains("\"secretaryAverageAgeChange\":-13.50", text);
    }
}
