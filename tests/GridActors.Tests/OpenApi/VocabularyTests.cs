using System.Text.Json.Nodes;
using GridActors.Silo.Storage;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Leadership;
using GridActors.Tests.Party;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// Enumerated values are read in any letter case (older clients send PascalCase), answered in camelCase, and a value
/// that is none of them is answered 400 with the field and the values it may take (docs/api.md, "Vocabulary").
/// </summary>
public sealed class VocabularyTests : IAsyncLifetime
{
    private readonly GatewayApp _app = GatewayApp.OnSqlite();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _http = _app.Start();
        await County.Create(_http);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PutVillage_WithAnUnknownKind_NamesTheAllowedKinds_AndAnyCaseIsAccepted()
    {
        await (await _http.PutJson($"/api/v1/villages/{County.Village}", """{"name":"董屋村","kind":"村"}""")).AssertInvalid("kind", "must be one of: village, community");
        await (await _http.PutJson($"/api/v1/villages/{County.Village}", """{"name":"董屋村"}""")).AssertInvalid("kind", "is required");

        await Slates.Ok(_http.PutJson($"/api/v1/villages/{County.Village2}", """{"name":"新城社区","kind":"Community"}"""));
        Assert.Equal("community", (await _http.GetJson($"/api/v1/villages/{County.Village2}"))["kind"].Str());
    }

    [Fact]
    public async Task CreateMember_TakesPascalCaseAndFormerEducationNames_AndAnswersCamelCase()
    {
        var json = PartyApi.MemberJson(County.Grid, status: "Migrant").Replace("\"seniorSecondary\"", "\"JuniorCollege\"");
        var member = await PartyApi.Created(await _http.PostJson("/api/v1/members", json));
        Assert.Equal(("college", "migrant"), (member["education"].Str(), member["status"].Str()));

        var wrong = PartyApi.MemberJson(County.Grid).Replace("\"seniorSecondary\"", "\"phd\"");
        await (await _http.PostJson("/api/v1/members", wrong)).AssertInvalid("education", "must be one of: primary, junior, senior, vocational, college, bachelor, master, doctorate");
        var badStatus = PartyApi.MemberJson(County.Grid, status: "away");
        await (await _http.PostJson("/api/v1/members", badStatus)).AssertInvalid("status", "must be one of: resident, migrant, elderly, other");
    }

    [Fact]
    public async Task PutTerm_TakesRolesInAnyCase_AnswersCamelCase_AndListsTheRolesForAWrongOne()
    {
        var term = Slates.Term("2021-01-10", Slates.Cadre("董明", "male", "1980-05-05", "Bachelor", true, "BRANCHSECRETARY", "villageDirector"));
        await Slates.Ok(_http.PutJson($"/api/v1/villages/{County.Village}/terms/2021", term));
        var cadre = (await _http.GetJson($"/api/v1/villages/{County.Village}/terms/2021"))["cadres"]![0]!;
        Assert.Equal(new[] { "branchSecretary", "villageDirector" }, cadre["roles"]!.AsArray().Select(r => r.Str()));
        Assert.Equal("bachelor", cadre["education"].Str());

        var wrong = Slates.Term("2021-01-10", Slates.Cadre("董明", "male", "1980-05-05", "bachelor", true, "mayor"));
        await (await _http.PutJson($"/api/v1/villages/{County.Village}/terms/2021", wrong))
            .AssertInvalid("cadres[0].roles[0]", "must be one of: branchSecretary, branchDeputySecretary, branchCommitteeMember, villageDirector");
    }

    [Fact]
    public async Task Category_SuggestedPostInAnyCase_IsAnsweredCamelCase_AndAWrongOneListsThePosts()
    {
        var body = """{"name":"邻里纠纷","deadlines":{"grid":"P3D","village":"P5D","township":"P7D","county":"P10D"},"lowestLevel":"Grid","suggestedPost":"DISPUTEMEDIATOR"}""";
        var answer = await PartyApi.Ok(await _http.PutJson($"/api/v1/counties/{County.Code}/categories/neighbour-dispute", body));
        Assert.Equal(("disputeMediator", "grid"), (answer["suggestedPost"].Str(), answer["lowestLevel"].Str()));

        await (await _http.PutJson($"/api/v1/counties/{County.Code}/categories/neighbour-dispute", body.Replace("DISPUTEMEDIATOR", "mediator")))
            .AssertInvalid("suggestedPost", "must be null or one of: informationCollector, sanitationKeeper, securityPatroller, disputeMediator");
    }

    [Fact]
    public async Task IssueStatusFilter_IsReadInAnyCase_AndAWrongOneListsTheFilters()
    {
        Assert.True((await _http.GetAsync($"/api/v1/grids/{County.Grid}/issues?status=InProgress")).IsSuccessStatusCode);
        Assert.True((await _http.GetAsync($"/api/v1/grids/{County.Grid}/issues?status=OPEN")).IsSuccessStatusCode);
        await (await _http.GetAsync($"/api/v1/grids/{County.Grid}/issues?status=pending")).AssertInvalid("status", "must be one of: open, done, all, reported");
    }

    [Fact]
    public async Task PostFilter_AndPostClaims_AreReadInAnyCase()
    {
        var member = await PartyApi.CreateMember(_http, County.Grid);
        var claimed = await PartyApi.ClaimPost(_http, member, "DisputeMediator", "Democratic");
        Assert.Contains("\"disputeMediator\"", claimed.ToJsonString());
        Assert.DoesNotContain("DisputeMediator", claimed.ToJsonString());
        await (await _http.PutJson($"/api/v1/members/{member}/post", """{"post":"mediator","recommendation":"self"}"""))
            .AssertInvalid("post", "must be one of: informationCollector");
    }
}

/// <summary>Grain state stores an education as its number; records written with the members' former list read as the shared one.</summary>
public sealed class EducationStorageTests
{
    [Fact]
    public async Task AMemberStoredWithTheFormerPostgraduate_ReadsAsMaster_AfterARestart()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        var id = await PartyApi.CreateMember(http, County.Grid, "旧学历党员");
        await first.DisposeAsync();

        // What the former list stored for Postgraduate (研究生) and JuniorCollege (大专): its numbers 6 and 4.
        var options = StorageOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(first.Settings).Build());
        await using (var connection = new SqliteConnection(options.ResolveConnectionString()))
        {
            await connection.OpenAsync();
            var rows = new List<(string Grain, string State, JsonNode Payload)>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT grain_id, state_name, payload FROM grain_states";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var payload = JsonNode.Parse((byte[])reader[2]);
                    if (payload is not null && Educations(payload).Any())
                    {
                        rows.Add((reader.GetString(0), reader.GetString(1), payload));
                    }
                }
            }
            Assert.NotEmpty(rows);
            foreach (var stored in rows)
            {
                var educations = Educations(stored.Payload).ToArray();
                Assert.All(educations, e => Assert.Equal(2, e.Parent!["Education"]!.GetValue<int>())); // seniorSecondary, stored as 2
                foreach (var e in educations)
                {
                    e.Parent!["Education"] = 6;
                }
                await using var write = connection.CreateCommand();
                write.CommandText = "UPDATE grain_states SET payload = $p WHERE grain_id = $g AND state_name = $s";
                write.Parameters.AddWithValue("$p", System.Text.Encoding.UTF8.GetBytes(stored.Payload.ToJsonString()));
                write.Parameters.AddWithValue("$g", stored.Grain);
                write.Parameters.AddWithValue("$s", stored.State);
                Assert.Equal(1, await write.ExecuteNonQueryAsync());
            }
        }
        SqliteConnection.ClearAllPools();

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal("master", (await again.GetJson($"/api/v1/members/{id}"))["education"].Str());
    }

    private static IEnumerable<JsonNode> Educations(JsonNode? node) => node switch
    {
        JsonObject o => (o["Education"] is JsonValue v ? [v] : Enumerable.Empty<JsonNode>()).Concat(o.SelectMany(p => Educations(p.Value))),
        JsonArray a => a.SelectMany(Educations),
        _ => [],
    };
}
