using System.Text.Json.Nodes;
using GridActors.Tests.Access;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Leadership;
using GridActors.Tests.Party;
using Xunit.Abstractions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// Every read of the OpenAPI document, against a county that holds a post, a term whose secretary breaks the county's
/// slate rules and the default category catalogue, answers enum values in camelCase only: the guard that keeps new
/// routes speaking the same vocabulary (docs/api.md).
/// </summary>
public sealed class VocabularyWalkTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    [Fact]
    public async Task EveryReadAnswer_SpellsEnumValuesInCamelCase()
    {
        var admin = fixture.Admin;
        var offences = new List<string>();
        // Answers of writes that build their text by hand: the post, the slate rules' warnings, the term.
        await PartyApi.ClaimPost(admin, fixture.MemberA, "DisputeMediator");
        await Slates.Ok(admin.PutJson($"/api/v1/counties/{County.Code}/slate-rules", """{"minWomen":1,"minCollegeOrAbove":1,"secretaryMinEducation":"senior","secretaryMaxAge":40}"""));
        var term = Slates.Term("2026-01-10",
            Slates.Cadre("董明", "male", "1970-05-05", "junior", true, "BranchSecretary", "VillageDirector"),
            Slates.Cadre("汪强", "male", "1980-05-05", "primary", false, "VillageCommitteeMember"));
        foreach (var (method, url) in new[] { (HttpMethod.Post, $"/api/v1/villages/{County.Village}/slate-check"), (HttpMethod.Put, $"/api/v1/villages/{County.Village}/terms/2026") })
        {
            var response = await admin.SendAsync(fixture.Request(method, url, null, term));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {body}");
            offences.AddRange(Vocabulary.Offences($"{method} {url}", JsonNode.Parse(body)));
        }

        var read = 0;
        foreach (var (method, template, operation) in fixture.Operations().Where(o => o.Method == HttpMethod.Get))
        {
            var url = fixture.FillA(template, operation);
            var response = await admin.GetAsync(url);
            var type = response.Content.Headers.ContentType?.MediaType ?? "";
            if (!response.IsSuccessStatusCode || !type.EndsWith("json", StringComparison.Ordinal))
            {
                continue;
            }
            read++;
            offences.AddRange(Vocabulary.Offences($"GET {url}", JsonNode.Parse(await response.Content.ReadAsStringAsync())));
        }
        output.WriteLine($"{read} JSON answers read");
        Assert.True(read >= 40, $"only {read} reads answered JSON");
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }
}
