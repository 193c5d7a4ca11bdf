using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Leadership;

[Collection(LeadershipCollection.Name)]
public sealed class TermsApiTests(LeadershipFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    private static readonly string Secretary = Slates.Cadre("董明", "male", "1980-05-05", "college", true, "branchSecretary");

    [Fact]
    public async Task GetTerm_ReturnsTheCadresWithDerivedFigures()
    {
        var term = await _http.GetJson($"/api/v1/villages/{HandWorked.A3}/terms/2021");

        Assert.Equal("2021-01-12", term["electedOn"].Str());
        Assert.True(term["oneShoulder"]!.GetValue<bool>());
        var wu = term["cadres"]![0]!;
        Assert.Equal(("吴芳", "female", "master", 32), (wu["name"].Str(), wu["gender"].Str(), wu["education"].Str(), wu["age"]!.GetValue<int>()));
        Assert.Equal(new[] { "branchSecretary", "villageDirector" }, wu["roles"]!.AsArray().Select(r => r.Str()));
        Assert.True(wu["crossAppointed"]!.GetValue<bool>());
        Assert.True(wu["collegeOrAbove"]!.GetValue<bool>());
        var feng = term["cadres"]![2]!;
        Assert.Equal((20, false, true), (feng["age"]!.GetValue<int>(), feng["crossAppointed"]!.GetValue<bool>(), feng["collegeOrAbove"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task ListTerms_GivesEveryTermOldestFirst()
    {
        var list = await _http.GetJson($"/api/v1/villages/{HandWorked.A1}/terms");
        Assert.Equal(new[] { 2018, 2021 }, list["items"]!.AsArray().Select(t => t!["year"]!.GetValue<int>()));
    }

    [Fact]
    public async Task PutTerm_ForAnUnregisteredVillage_Answers404()
    {
        var response = await _http.PutJson("/api/v1/villages/340822100299/terms/2021", Slates.Term("2021-01-10", Secretary));
        await response.AssertProblem(404, "340822100299");
    }

    [Fact]
    public async Task GetTerm_NotRecorded_Answers404()
    {
        await (await _http.GetAsync($"/api/v1/villages/{County.Village2}/terms/2015")).AssertProblem(404, "No term 2015");
        await (await _http.GetAsync("/api/v1/villages/340822100299/terms/2021")).AssertProblem(404, "No village");
    }

    [Fact]
    public async Task PutTerm_AcceptsTheSecretaryAsDirector_AndReplacesOnTheSecondPut()
    {
        var body = Slates.Term("2021-01-10", Slates.Cadre("董明", "male", "1980-05-05", "college", true, "branchSecretary", "villageDirector"));
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{County.Village}/terms/2021", body));
        var again = await _http.PutJson($"/api/v1/villages/{County.Village}/terms/2021", body);
        Assert.Equal(System.Net.HttpStatusCode.OK, again.StatusCode);
        var term = await _http.GetJson($"/api/v1/villages/{County.Village}/terms/2021");
        Assert.Single(term["cadres"]!.AsArray());
    }

    public static TheoryData<string, string, string, string> BadTerms => new()
    {
        // description, body, field, rule
        { "no secretary", Slates.Term("2021-01-10", Slates.Cadre("甲", "male", "1980-01-01", "senior", true, "branchCommitteeMember")),
            "cadres", "exactly one branchSecretary" },
        { "two secretaries", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1981-01-01", "senior", true, "branchSecretary")),
            "cadres[1].roles", "exactly one branchSecretary" },
        { "two directors", Slates.Term("2021-01-10", Secretary,
                Slates.Cadre("乙", "male", "1981-01-01", "senior", false, "villageDirector"),
                Slates.Cadre("丙", "female", "1982-01-01", "senior", false, "villageDirector")),
            "cadres[2].roles", "at most one villageDirector" },
        { "too young", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "2003-01-11", "senior", false, "villageCommitteeMember")),
            "cadres[1].birthDate", "from 18 to 75; on 2021-01-10 it is 17" },
        { "too old", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1945-01-10", "senior", false, "villageCommitteeMember")),
            "cadres[1].birthDate", "from 18 to 75; on 2021-01-10 it is 76" },
        { "bad birth date", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1980-13-01", "senior", false, "villageCommitteeMember")),
            "cadres[1].birthDate", "must be a date YYYY-MM-DD" },
        { "unknown education", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1980-01-01", "university", false, "villageCommitteeMember")),
            "cadres[1].education", "must be one of: primary, junior, senior, vocational, college, bachelor, master, doctorate" },
        { "unknown gender", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "M", "1980-01-01", "senior", false, "villageCommitteeMember")),
            "cadres[1].gender", "must be one of: male, female" },
        { "unknown role", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1980-01-01", "senior", false, "VillageAccountant")),
            "cadres[1].roles[0]", "must be one of: branchSecretary" },
        { "no roles", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1980-01-01", "senior", false)),
            "cadres[1].roles", "must list at least one role" },
        { "two branch roles", Slates.Term("2021-01-10", Slates.Cadre("甲", "male", "1980-01-01", "senior", true, "branchSecretary", "branchDeputySecretary")),
            "cadres[0].roles", "at most one role on the branch committee" },
        { "branch role without Party membership", Slates.Term("2021-01-10", Secretary, Slates.Cadre("乙", "male", "1980-01-01", "senior", false, "branchCommitteeMember")),
            "cadres[1].partyMember", "must be true for a role on the branch committee" },
        { "blank name", Slates.Term("2021-01-10", Secretary, Slates.Cadre(" ", "male", "1980-01-01", "senior", false, "villageCommitteeMember")),
            "cadres[1].name", "is required" },
        { "same person twice", Slates.Term("2021-01-10", Secretary, Slates.Cadre("董明", "male", "1980-05-05", "college", true, "villageDirector")),
            "cadres[1]", "repeats cadres[0]" },
        { "election outside the term's year", Slates.Term("2020-12-30", Secretary), "electedOn", "must fall within the term's year 2021" },
        { "no cadres", """{"electedOn":"2021-01-10","cadres":[]}""", "cadres", "is required" },
        { "no election date", $$"""{"cadres":[{{Secretary}}]}""", "electedOn", "is required" },
        { "missing party membership", """{"electedOn":"2021-01-10","cadres":[{"name":"甲","gender":"male","birthDate":"1980-01-01","education":"senior","roles":["branchSecretary"]}]}""",
            "cadres[0].partyMember", "is required" },
        { "unknown field", """{"electedOn":"2021-01-10","cadres":[{"name":"甲","gender":"male","birthDate":"1980-01-01","education":"senior","partyMember":true,"roles":["branchSecretary"],"nickname":"x"}]}""",
            "cadres[0].nickname", "is not a known field" },
    };

    [Theory]
    [MemberData(nameof(BadTerms))]
    public async Task PutTerm_BreakingARule_Answers400NamingTheCadreAndTheRule(string description, string body, string field, string rule)
    {
        _ = description;
        var response = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2021", body);
        await response.AssertInvalid(field, rule);
    }

    [Fact]
    public async Task PutTerm_InTheFuture_Answers400()
    {
        // The test clock stands at 2026-03-02 (China time).
        var response = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2026", Slates.Term("2026-03-03", Secretary));
        await response.AssertInvalid("electedOn", "must not be in the future");
    }

    [Theory]
    [InlineData("1989")]
    [InlineData("21")]
    public async Task PutTerm_WithAnImplausibleYear_Answers400NamingTheYear(string year)
    {
        var response = await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/{year}", Slates.Term("2021-01-10", Secretary));
        await response.AssertInvalid("year", "year");
    }

    [Fact]
    public async Task PutTerm_WithBadInput_WritesNothing()
    {
        var bad = Slates.Term("2019-01-10", Secretary, Slates.Cadre("乙", "male", "1940-01-01", "senior", false, "villageCommitteeMember"));
        await (await _http.PutJson($"/api/v1/villages/{County.Village2}/terms/2019", bad)).AssertInvalid("cadres[1].birthDate", "18 to 75");
        await (await _http.GetAsync($"/api/v1/villages/{County.Village2}/terms/2019")).AssertProblem(404);
    }
}
