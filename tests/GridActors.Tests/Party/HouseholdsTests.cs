using System.Text.Json;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

/// <summary>
/// Households, Party member homes and pairing. Tests share one app, so each uses tags of its own
/// (a free tag with a unique suffix) and only its own members can match its households.
/// </summary>
[Collection(PartyCollection.Name)]
public sealed class HouseholdsTests(PartyFixture fixture)
{
    private readonly HttpClient _http = fixture.Http;

    private static string Tag(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..6]}";

    private async Task<string> Household(string grid, string head, string[]? needs = null, bool vulnerable = false, string[]? members = null,
        bool plaque = false, bool central = false, string[]? served = null)
    {
        var json = JsonSerializer.Serialize(new
        {
            head,
            address = $"{head}家",
            phone = "13800001111",
            size = 3,
            needs = needs ?? [],
            vulnerable,
            memberIds = members ?? [],
            partyMemberHome = plaque,
            central,
            servedHouseholds = served ?? [],
        });
        return (await Created(await _http.PostJson($"/api/v1/grids/{grid}/households", json)))["id"].Str();
    }

    [Theory]
    [InlineData("""{"address":"a"}""", "head", "is required")]
    [InlineData("""{"head":"h"}""", "address", "is required")]
    [InlineData("""{"head":"h","address":"a","phone":"x"}""", "phone", "digits")]
    [InlineData("""{"head":"h","address":"a","size":0}""", "size", "from 1 to 50")]
    [InlineData("""{"head":"h","address":"a","needs":["legalAid","LEGALAID"]}""", "needs[1]", "must not repeat")]
    [InlineData("""{"head":"h","address":"a","vulnerability":"独居老人"}""", "vulnerability", "only when vulnerable")]
    [InlineData("""{"head":"h","address":"a","partyMemberHome":true}""", "partyMemberHome", "only a member household")]
    [InlineData("""{"head":"h","address":"a","central":true}""", "central", "is a member household")]
    [InlineData("""{"head":"h","address":"a","servedHouseholds":["5b0f3a8e-8a43-4a2e-9a43-1c1f4f1e0b11"]}""", "servedHouseholds", "only a central household")]
    [InlineData("""{"head":"h","address":"a","memberIds":["x"]}""", "memberIds[0]", "GUID")]
    public async Task Register_BadInput_Is400(string json, string field, string rule)
    {
        await (await _http.PostJson($"/api/v1/grids/{County.Grid}/households", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task MemberHomes_WithPlaqueAndCentralHouseholds_AreListedPerVillage_WithTheHouseholdsTheyServe()
    {
        var member = await CreateMember(_http, County.Grid, "中心户董");
        var east = await Household(County.Grid, "东邻王");
        var west = await Household(County.Grid, "西邻李", vulnerable: true);
        var home = await Household(County.Grid, "董家", members: [member], plaque: true, central: true, served: [east, west]);

        var homes = (await _http.GetJson($"/api/v1/villages/{County.Village}/party-member-homes")).Items();
        var entry = homes.Single(h => h!["householdId"].Str() == home)!;
        Assert.True(entry["plaque"]!.GetValue<bool>() && entry["central"]!.GetValue<bool>());
        Assert.Equal("中心户董", entry["members"]![0]!["name"].Str());
        Assert.Equal(["东邻王", "西邻李"], entry["servedHouseholds"]!.AsArray().Select(s => s!["head"].Str()).ToArray());
        Assert.DoesNotContain(homes, h => h!["householdId"].Str() == east);

        var household = await _http.GetJson($"/api/v1/grids/{County.Grid}/households/{home}");
        Assert.True(household["memberHousehold"]!.GetValue<bool>());

        // Links are checked: a member of another grid, an unknown neighbour, the household itself.
        var stranger = await CreateMember(_http, County.Grid2, "别网格汪");
        await (await _http.PostJson($"/api/v1/grids/{County.Grid}/households",
                $$"""{"head":"h","address":"a","memberIds":["{{stranger}}"],"partyMemberHome":true}""")).AssertInvalid("memberIds[0]", $"not a Party member registered in grid {County.Grid}");
        await (await _http.PostJson($"/api/v1/grids/{County.Grid}/households",
                $$"""{"head":"h","address":"a","memberIds":["{{member}}"],"central":true,"servedHouseholds":["{{Guid.NewGuid()}}"]}""")).AssertInvalid("servedHouseholds[0]", "no household");
        await (await _http.PutJson($"/api/v1/grids/{County.Grid}/households/{home}",
                $$"""{"head":"董家","address":"a","memberIds":["{{member}}"],"central":true,"servedHouseholds":["{{home}}"]}""")).AssertInvalid("servedHouseholds[0]", "does not serve itself");
        await (await _http.GetAsync($"/api/v1/grids/{County.Grid}/households/{Guid.NewGuid()}")).AssertProblem(404);
    }

    [Fact]
    public async Task Suggestions_MatchNeedsToCards_PreferTheSameGrid_LeaveOutMigrantsAndMembersWithoutHours_AndExplain()
    {
        var need = Tag("beekeeping");
        var nearby = await CreateMember(_http, County.Grid, "同网格董", skills: [need], hours: 6);
        var otherGrid = await CreateMember(_http, County.Grid2, "邻网格汪", services: [need], hours: 20);
        var away = await CreateMember(_http, County.Grid, "外出董", status: "migrant", skills: [need], hours: 40);
        var busy = await CreateMember(_http, County.Grid, "没空董", skills: [need], hours: 0);
        var household = await Household(County.Grid, "养蜂户", needs: [need], vulnerable: true);
        var orphanNeed = Tag("violin");
        var unmatched = await Household(County.Grid, "学琴户", needs: [orphanNeed]);

        var list = (await _http.GetJson($"/api/v1/grids/{County.Grid}/pairing-suggestions")).Items();
        var suggestion = list.Single(s => s!["householdId"].Str() == household)!;
        var candidates = suggestion["candidates"]!.AsArray();
        Assert.Equal([nearby, otherGrid], candidates.Select(c => c!["memberId"].Str()).ToArray());
        Assert.DoesNotContain(candidates, c => c!["memberId"].Str() == away || c["memberId"].Str() == busy);
        Assert.True(candidates[0]!["sameGrid"]!.GetValue<bool>());
        Assert.False(candidates[1]!["sameGrid"]!.GetValue<bool>());
        var reasons = candidates[0]!["reasons"].Strings();
        Assert.Contains(reasons, r => r.Contains(need) && r.Contains("technical skill"));
        Assert.Contains(reasons, r => r.Contains("同网格"));
        Assert.Contains(reasons, r => r.Contains("present in the village"));
        Assert.Contains(reasons, r => r.Contains("6 hours a month"));
        Assert.Contains(reasons, r => r.Contains("0 of at most 5 households"));
        Assert.Contains(candidates[1]!["reasons"].Strings(), r => r.Contains(need) && r.Contains("service offered"));
        Assert.Contains(candidates[1]!["reasons"].Strings(), r => r.Contains("同村"));

        var none = list.Single(s => s!["householdId"].Str() == unmatched)!;
        Assert.Empty(none["candidates"]!.AsArray());
        Assert.Contains("no member of the village lists", none["noCandidate"].Str());

        await (await _http.GetAsync($"/api/v1/grids/{County.Grid}/pairing-suggestions?limit=0")).AssertInvalid("limit", "from 1 to 10");
        await (await _http.GetAsync("/api/v1/grids/340822100201099/pairing-suggestions")).AssertProblem(404);
    }

    [Fact]
    public async Task TheLoadCap_HoldsInSuggestionsAndInAcceptance()
    {
        var need = Tag("tea-picking");
        var only = await CreateMember(_http, County.Grid2, "采茶汪", skills: [need], hours: 30);
        var households = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            households.Add(await Household(County.Grid2, $"茶农{i}", needs: [need]));
        }

        // Within one answer a member is first choice for no more households than it can take.
        var list = (await _http.GetJson($"/api/v1/grids/{County.Grid2}/pairing-suggestions")).Items()
            .Where(s => households.Contains(s!["householdId"].Str())).ToArray();
        Assert.Equal(5, list.Count(s => s!["candidates"]!.AsArray().Count == 1));
        Assert.Contains("already pairing with 5 households", list.Single(s => s!["candidates"]!.AsArray().Count == 0)!["noCandidate"].Str());

        for (var i = 0; i < 5; i++)
        {
            var pairing = await Created(await _http.PostJson($"/api/v1/grids/{County.Grid2}/pairings", $$"""{"householdId":"{{households[i]}}","memberId":"{{only}}"}"""));
            Assert.Equal([need], pairing["needs"].Strings()); // by default, the needs the card matches
        }
        var sixth = await _http.PostJson($"/api/v1/grids/{County.Grid2}/pairings", $$"""{"householdId":"{{households[5]}}","memberId":"{{only}}"}""");
        await sixth.AssertProblem(409, "the most one member may take (5)");
        Assert.Equal(5, (await _http.GetJson($"/api/v1/members/{only}"))["pairingLoad"]!.GetValue<int>());

        var after = (await _http.GetJson($"/api/v1/grids/{County.Grid2}/pairing-suggestions")).Items();
        Assert.DoesNotContain(after, s => households.Take(5).Contains(s!["householdId"].Str())); // needs met by a pairing
        Assert.Contains("already pairing with 5 households", after.Single(s => s!["householdId"].Str() == households[5])!["noCandidate"].Str());
    }

    [Fact]
    public async Task Pairing_IsAcceptedExplicitly_VisitsAreLogged_AndEndingItFreesTheMember()
    {
        var need = Tag("roof-repair");
        var member = await CreateMember(_http, County.Grid, "修房董", skills: [need], hours: 10);
        var household = await Household(County.Grid, "漏雨户", needs: [need, "legalAid"], vulnerable: true);
        var url = $"/api/v1/grids/{County.Grid}/pairings";

        var pairing = await Created(await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{member}}","needs":["{{need}}"],"by":"村支书"}""", "pair-1"));
        var id = pairing["id"].Str();
        Assert.Equal(("active", "修房董", "村支书"), (pairing["status"].Str(), pairing["memberName"].Str(), pairing["acceptedBy"].Str()));
        await Created(await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{member}}","needs":["{{need}}"],"by":"村支书"}""", "pair-1"));
        Assert.Equal(1, (await _http.GetJson($"/api/v1/members/{member}"))["pairingLoad"]!.GetValue<int>());
        await (await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{member}}"}""")).AssertProblem(409, "already pairs");

        var visit = await Created(await _http.PostJson($"{url}/{id}/visits", """{"note":"上门查看屋顶，约好周末修补"}""", "visit-1"));
        Assert.Equal("2026-03-02", visit["date"].Str());
        await Created(await _http.PostJson($"{url}/{id}/visits", """{"note":"上门查看屋顶，约好周末修补"}""", "visit-1"));
        await (await _http.PostJson($"{url}/{id}/visits", """{"date":"2026-03-01","note":"x"}""")).AssertInvalid("date", "before the pairing was accepted");
        await (await _http.PostJson($"{url}/{id}/visits", """{"date":"2026-04-01","note":"x"}""")).AssertInvalid("date", "future");
        await (await _http.PostJson($"{url}/{id}/visits", """{}""")).AssertInvalid("note", "is required");
        var listed = (await _http.GetJson($"{url}?status=active")).Items().Single(p => p!["id"].Str() == id)!;
        Assert.Equal(1, listed["visitCount"]!.GetValue<int>());

        var ended = await Ok(await _http.PostJson($"{url}/{id}/end", """{"reason":"房屋已修好"}"""));
        Assert.Equal("ended", ended["status"].Str());
        Assert.Equal(0, (await _http.GetJson($"/api/v1/members/{member}"))["pairingLoad"]!.GetValue<int>());
        await (await _http.PostJson($"{url}/{id}/visits", """{"note":"x"}""")).AssertProblem(409, "ended");
        await (await _http.PostJson($"{url}/{id}/end", """{"reason":"x"}""")).AssertProblem(409);
        await (await _http.PostJson($"{url}/{Guid.NewGuid()}/end", """{"reason":"x"}""")).AssertProblem(404);
    }

    [Fact]
    public async Task Pairing_WithAMigrant_AMemberOfAnotherVillage_OrAForeignNeed_Is400()
    {
        var need = Tag("weaving");
        var household = await Household(County.Grid, "织布户", needs: [need]);
        var away = await CreateMember(_http, County.Grid, "外出织", status: "migrant", skills: [need]);
        var far = await CreateMember(_http, County.Grid3, "新城织", skills: [need]);
        var near = await CreateMember(_http, County.Grid, "本村织", skills: [need]);
        var url = $"/api/v1/grids/{County.Grid}/pairings";

        await (await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{away}}"}""")).AssertInvalid("memberId", "migrant member away from the village");
        await (await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{far}}"}""")).AssertInvalid("memberId", $"outside village {County.Village}");
        await (await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{near}}","needs":["legalAid"]}""")).AssertInvalid("needs[0]", "is not a need of household");
        await (await _http.PostJson(url, $$"""{"householdId":"{{Guid.NewGuid()}}","memberId":"{{near}}"}""")).AssertInvalid("householdId", "no household");
        // A member id that names nobody (or nobody this key may see): 404 naming the field.
        await (await _http.PostJson(url, $$"""{"householdId":"{{household}}","memberId":"{{Guid.NewGuid()}}"}""")).AssertProblem(404, "memberId: no member");
        await (await _http.PostJson(url, """{"memberId":"x"}""")).AssertInvalid("householdId", "is required");
    }
}
