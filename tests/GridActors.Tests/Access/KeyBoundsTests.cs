using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Party;
using Orleans.Runtime;

namespace GridActors.Tests.Access;

/// <summary>
/// What an attacker holding an ordinary key tries first: minting a wider key, revoking someone else's, replaying
/// another caller's Idempotency-Key, and flooding the gateway with invented keys.
/// </summary>
public sealed class KeyBoundsTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private const string OtherCounty = "340823";

    private static string KeyJson(string jurisdiction, params string[] roles) =>
        new JsonObject { ["app"] = "probe", ["jurisdiction"] = jurisdiction, ["roles"] = new JsonArray(roles.Select(r => (JsonNode)r!).ToArray()) }.ToJsonString();

    [Fact]
    public async Task AKey_CreatesKeysOnlyWithinItsJurisdiction_AndWithAtMostItsRoles()
    {
        var countyAdmin = fixture.App.ClientWith(await fixture.CreateKey(["admin", "reader"], County.Code));
        await (await countyAdmin.PostJson("/api/v1/keys", KeyJson("34", "admin"))).AssertProblem(403, "jurisdiction 34");
        await (await countyAdmin.PostJson("/api/v1/keys", KeyJson(OtherCounty, "reader"))).AssertProblem(403, "jurisdiction 340823");
        await (await countyAdmin.PostJson("/api/v1/keys", KeyJson(County.Village, "manager"))).AssertProblem(403, "role manager");
        var made = await countyAdmin.PostJson("/api/v1/keys", KeyJson(County.Village, "reader"));
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        // A manager is not an admin at all, in any letter case of the path.
        var manager = fixture.App.ClientWith(fixture.Keys["manager"].Inside);
        await (await manager.PostJson("/api/v1/Keys", KeyJson("34", "admin"))).AssertProblem(403, "admin role");
    }

    [Fact]
    public async Task AnAdmin_ListsAndRevokesOnlyTheKeysOfItsJurisdiction()
    {
        var victim = await fixture.CreateKey("admin", OtherCounty);
        var victimId = victim.Split('.')[1];
        var villageAdmin = fixture.App.ClientWith(await fixture.CreateKey(["admin", "reader"], County.Village));
        var mine = (await fixture.CreateKey("reader", County.Grid)).Split('.')[1];

        var listed = (await villageAdmin.GetJson("/api/v1/keys?limit=200"))["items"]!.AsArray().Select(k => k!["id"].Str()).ToArray();
        Assert.Contains(mine, listed);
        Assert.DoesNotContain(victimId, listed);
        Assert.DoesNotContain(fixture.Keys["reader"].Inside.Split('.')[1], listed); // a key of the whole county is wider than a village's

        await (await villageAdmin.DeleteAsync($"/api/v1/keys/{victimId}")).AssertProblem(404, $"No API key {victimId}");
        await (await villageAdmin.DeleteAsync($"/api/v1/KEYS/{victimId}")).AssertProblem(404);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.ClientWith(victim).GetAsync("/api/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task AnIdempotencyKey_SentByAnotherCaller_MakesItsOwnRecord_NeverReplaysTheFirst()
    {
        var managerA = fixture.App.ClientWith(fixture.Keys["manager"].Inside);
        var managerB = fixture.App.ClientWith(fixture.Keys["manager"].Outside);
        await fixture.Admin.PutJson("/api/v1/townships/340823100", """{"name":"梅城镇"}""");
        await fixture.Admin.PutJson("/api/v1/villages/340823100201", """{"name":"河西村","kind":"village"}""");
        await fixture.Admin.PutJson("/api/v1/grids/340823100201001", """{"name":"河西网格"}""");

        var first = await managerA.PostJson("/api/v1/members", PartyApi.MemberJson(County.Grid, "甲县张三"), "member-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await managerB.PostJson("/api/v1/members", PartyApi.MemberJson("340823100201001", "乙县李四"), "member-1");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        var body = await second.Content.ReadAsStringAsync();
        Assert.DoesNotContain("甲县", body);
        Assert.NotEqual((await first.Json())["id"].Str(), JsonNode.Parse(body)!["id"].Str());
        // The same caller's retry still replays.
        var retry = await managerA.PostJson("/api/v1/members", PartyApi.MemberJson(County.Grid, "甲县张三"), "member-1");
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task AWrongKey_IsToldSo_AndAMissingOneIsAskedFor()
    {
        var unknown = await fixture.App.ClientWith("gak.kaaaaaaaaaaaaaaaaaaa.forged").GetAsync("/api/v1/keys");
        await unknown.AssertProblem(401, "is not known");
        await (await fixture.App.ClientWith(null).GetAsync("/api/v1/keys")).AssertProblem(401, "Send an API key");
    }
}

/// <summary>A flood of invented keys from one address: refused after a few, and no key grain is woken for any of them.</summary>
public sealed class MadeUpKeyTests : IAsyncLifetime
{
    private readonly GatewayApp _app = GatewayApp.OnSqlite().WithSetting("RateLimits:FailedKeysBurst", "20").WithSetting("RateLimits:FailedKeysPerMinute", "1");
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = _app.Start();
        await County.Create(_admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<int> KeyGrainActivations()
    {
        var statistics = await _app.Service<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("ApiKeyGrain", StringComparison.Ordinal) && !s.GrainType.Contains("Directory", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
    }

    [Fact]
    public async Task InventedKeys_From_OneAddress_Are429AfterTwenty_AndWakeNoKeyGrain()
    {
        var before = await KeyGrainActivations();
        var statuses = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            // Well-formed ids that were never issued: each once made the gateway activate a key grain and read its row.
            var id = "ka" + Guid.NewGuid().ToString("N")[..18].Replace('0', 'z').Replace('1', 'y');
            var response = await _app.ClientWith($"gak.{id}.{Guid.NewGuid():N}").GetAsync($"/api/v1/grids/{County.Grid}");
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) >= 1);
            }
        }
        Assert.Equal(20, statuses.Count(s => s == 401));
        Assert.Equal(180, statuses.Count(s => s == 429));
        Assert.Equal(before, await KeyGrainActivations());
        // A real key from the same address is still served: only unknown keys are counted.
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
    }
}
