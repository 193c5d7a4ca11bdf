using System.Net;
using System.Text;
using System.Text.Json;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;

namespace GridActors.Tests.Access;

public sealed class AccessFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Admin { get; private set; } = null!;
    /// <summary>role → (key for county 340822, key for county 340823).</summary>
    public Dictionary<string, (string Inside, string Outside)> Keys { get; } = [];

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        await County.Create(Admin);
        await Admin.PutJson("/api/v1/counties/340823", """{"name":"潜山市"}""");
        foreach (var role in new[] { "reader", "reporter", "handler", "manager", "admin" })
        {
            Keys[role] = (await CreateKey(role, County.Code), await CreateKey(role, "340823"));
        }
    }

    public Task<string> CreateKey(string role, string jurisdiction) => CreateKey([role], jurisdiction);

    public async Task<string> CreateKey(string[] roles, string jurisdiction)
    {
        var response = await Admin.PostJson("/api/v1/keys", JsonSerializer.Serialize(new { app = $"{string.Join('+', roles)}-app", jurisdiction, roles }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    private Lazy<Task<(string Id, string Leader)>>? _partyTask;

    /// <summary>A Party task of the test village handed to the group of <see cref="County.Grid"/>, made once.</summary>
    public Task<(string Id, string Leader)> PartyTask() => (_partyTask ??= new(MakePartyTask)).Value;

    private async Task<(string Id, string Leader)> MakePartyTask()
    {
        var leader = await PartyApi.CreateMember(Admin, County.Grid, "矩阵组长");
        await PartyApi.SetUpGroup(Admin, County.Grid, leader);
        var task = await PartyApi.Created(await Admin.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"清理河道垃圾","due":"2026-03-20","groups":["{{County.Grid}}"],"by":"村党支部"}"""));
        return (task["id"].Str(), leader);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class PermissionMatrixTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    /// <summary>An operation of the table in docs/permissions.md, and the role it needs (null: any role reads).</summary>
    private sealed record Operation(string Name, string? Role, bool Write, Func<AccessFixture, Task<HttpRequestMessage>> Request);

    private static HttpRequestMessage Json(HttpMethod method, string url, string json) =>
        new(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static async Task<string> NewIssue(AccessFixture f) => await IssueApi.Report(f.Admin, County.Grid);

    private static readonly Operation[] Operations =
    [
        new("read unit", null, false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/grids/{County.Grid}"))),
        new("read tree", null, false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/counties/{County.Code}/tree"))),
        new("list issues", null, false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/villages/{County.Village}/issues"))),
        new("read statistics", null, false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/counties/{County.Code}/resolution-stats"))),
        new("list categories", null, false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/counties/{County.Code}/categories"))),
        new("read issue", null, false, async f => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/issues/{await NewIssue(f)}")),
        new("read issue notifications", null, false, async f => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/issues/{await NewIssue(f)}/notifications")),
        new("put unit", "manager", true, _ => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/grids/{County.Grid3}", """{"name":"新城一网格"}"""))),
        new("put category", "manager", true, _ => Task.FromResult(Json(HttpMethod.Put, $"/api/v1/counties/{County.Code}/categories/matrix", """{"name":"m","deadlines":{"grid":"P1D","village":"P1D","township":"P1D","county":"P1D"}}"""))),
        new("report issue", "reporter", true, _ => Task.FromResult(Json(HttpMethod.Post, $"/api/v1/grids/{County.Grid}/issues", """{"category":"other","title":"t"}"""))),
        new("act on issue", "handler", true, async f => Json(HttpMethod.Post, $"/api/v1/issues/{await NewIssue(f)}/accept", "{}")),
        new("read party task", null, false, async f => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-tasks/{(await f.PartyTask()).Id}")),
        new("split party task", "manager", true, async f =>
        {
            var (id, leader) = await f.PartyTask();
            return Json(HttpMethod.Post, $"/api/v1/party-tasks/{id}/groups/{County.Grid}/split", $$"""{"by":"{{leader}}","parts":[{"memberId":"{{leader}}","work":"全段"}]}""");
        }),
    ];

    private static readonly Operation[] AdminOperations =
    [
        new("create key", "admin", true, _ => Task.FromResult(Json(HttpMethod.Post, "/api/v1/keys", """{"app":"x","jurisdiction":"340822","roles":["admin"]}"""))),
        new("list keys", "admin", false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, "/api/v1/keys"))),
        new("revoke key", "admin", true, async f =>
        {
            var secret = await f.CreateKey("reader", "340822");
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/keys/{secret.Split('.')[1]}");
        }),
        new("read audit", "admin", false, _ => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?county={County.Code}&date=2026-03-02"))),
    ];

    public static TheoryData<string, string, bool> Cells()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var op in Operations.Concat(AdminOperations))
        {
            foreach (var role in new[] { "reader", "reporter", "handler", "manager", "admin" })
            {
                data.Add(op.Name, role, true);
                data.Add(op.Name, role, false);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task EveryCellOfThePermissionMatrix(string operation, string role, bool insideJurisdiction)
    {
        var op = Operations.Concat(AdminOperations).Single(o => o.Name == operation);
        var key = insideJurisdiction ? fixture.Keys[role].Inside : fixture.Keys[role].Outside;
        var client = fixture.App.ClientWith(key);
        var response = await client.SendAsync(await op.Request(fixture));
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();

        // Keys are not bound to units; the audit log is read only within the admin's jurisdiction.
        var adminOnly = op.Role == "admin" && op.Name != "read audit";
        var hasRole = op.Role is null || op.Role == role;
        int[] expected = !hasRole ? [403]
            // An admin is bound to its jurisdiction too: it lists only its own keys (200), cannot mint a key for another
            // county (403), and another county's key or audit log is not there for it (404).
            : adminOnly && !insideJurisdiction ? operation switch { "create key" => [403], "list keys" => [200], _ => [404] }
            : adminOnly ? [200, 201, 204]
            // An issue outside the jurisdiction is not even visible, so moving it is a 404 like reading it.
            : !insideJurisdiction ? [op.Write && op.Name != "act on issue" ? 403 : 404]
            : [200, 201, 204];
        Assert.True(expected.Contains(status), $"{operation} as {role} ({(insideJurisdiction ? "inside" : "outside")}): expected {string.Join("/", expected)}, got {status} {body}");
        if (status >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("gak.kaaaaaaaaaaaaaaaaaaa.forged")]
    public async Task NoKey_OrAnUnknownKey_Is401(string? key)
    {
        var response = await fixture.App.ClientWith(key).GetAsync($"/api/v1/grids/{County.Grid}");
        await response.AssertProblem(401);
    }

    [Fact]
    public async Task HealthAndOpenApi_NeedNoKey()
    {
        var anonymous = fixture.App.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task ARevokedKey_StopsWorkingAtOnce()
    {
        var secret = await fixture.CreateKey("reader", County.Code);
        var client = fixture.App.ClientWith(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/api/v1/keys/{secret.Split('.')[1]}")).StatusCode);
        await (await client.GetAsync($"/api/v1/grids/{County.Grid}")).AssertProblem(401);
    }

    [Fact]
    public async Task Keys_AreListedWithoutSecrets_AndTheSecretIsShownOnce()
    {
        var secret = await fixture.CreateKey("handler", County.Township);
        var list = await fixture.Admin.GetStringAsync("/api/v1/keys");
        Assert.Contains(secret.Split('.')[1], list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"app":"x","jurisdiction":"3","roles":["reader"]}""", "jurisdiction", "division code prefix")]
    [InlineData("""{"app":"x","jurisdiction":"340822","roles":[]}""", "roles", "at least one")]
    [InlineData("""{"app":"x","jurisdiction":"340822","roles":["root"]}""", "roles[0]", "must be one of")]
    [InlineData("""{"jurisdiction":"340822","roles":["reader"]}""", "app", "is required")]
    public async Task CreateKey_BadInput_Is400NamingTheField(string json, string field, string rule)
    {
        await (await fixture.Admin.PostJson("/api/v1/keys", json)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task AGridKey_SeesItsGridButNotItsNeighbour()
    {
        var secret = await fixture.CreateKey("reader", County.Grid);
        var client = fixture.App.ClientWith(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
        await (await client.GetAsync($"/api/v1/grids/{County.Grid2}")).AssertProblem(404);
        await (await client.GetAsync($"/api/v1/villages/{County.Village}")).AssertProblem(404);
    }

    [Fact]
    public async Task APartyTask_IsHiddenFromKeysOfAnotherCounty_AndTheyCannotWriteToIt()
    {
        var (id, leader) = await fixture.PartyTask();
        var split = $$"""{"by":"{{leader}}","parts":[{"memberId":"{{leader}}","work":"全段"}]}""";
        const string ownGrid = "340823100201001"; // a registered grid of the other county: its own, so the path alone does not refuse it
        foreach (var (url, body) in new[]
        {
            ("/api/v1/counties/340823", """{"name":"潜山市"}"""), ("/api/v1/townships/340823100", """{"name":"梅城镇"}"""),
            ("/api/v1/villages/340823100201", """{"name":"城东村","kind":"village"}"""), ($"/api/v1/grids/{ownGrid}", """{"name":"城东一网格"}"""),
        })
        {
            Assert.True((await fixture.Admin.PutJson(url, body)).IsSuccessStatusCode, url);
        }
        var reader = fixture.App.ClientWith(fixture.Keys["reader"].Outside);
        var manager = fixture.App.ClientWith(fixture.Keys["manager"].Outside);
        var before = (await fixture.Admin.GetJson($"/api/v1/party-tasks/{id}"))["version"]!.GetValue<long>();

        // Read: the same 404 as for a task that does not exist.
        await (await reader.GetAsync($"/api/v1/party-tasks/{id}")).AssertProblem(404, $"No task {id} exists");
        await (await manager.GetAsync($"/api/v1/party-tasks/{id}")).AssertProblem(404, $"No task {id} exists");
        // Write: refused whichever grid the path names; the split names a member of county A, whom its keys cannot see (404).
        await (await manager.PostJson($"/api/v1/party-tasks/{id}/groups/{ownGrid}/split", split)).AssertProblem(404, $"by: no member {leader} exists");
        await (await manager.PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid}/split", split)).AssertProblem(403);
        await (await manager.PostJson($"/api/v1/party-tasks/{id}/groups/{ownGrid}/members/{leader}/done",
            """{"note":"完成","evidence":[{"kind":"photo","url":"https://files.example.cn/p1.jpg"}]}""")).AssertProblem(403, "outside this key's jurisdiction");
        Assert.Equal(before, (await fixture.Admin.GetJson($"/api/v1/party-tasks/{id}"))["version"]!.GetValue<long>());

        // Keys of the village, or of a grid the task was handed to, see it; a key of another village's grid does not.
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.ClientWith(await fixture.CreateKey("reader", County.Village)).GetAsync($"/api/v1/party-tasks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.ClientWith(await fixture.CreateKey("reader", County.Grid)).GetAsync($"/api/v1/party-tasks/{id}")).StatusCode);
        await (await fixture.App.ClientWith(await fixture.CreateKey("reader", County.Grid3)).GetAsync($"/api/v1/party-tasks/{id}")).AssertProblem(404);
        // The leader the split names belongs to another grid: a member this key cannot see.
        await (await fixture.App.ClientWith(await fixture.CreateKey("manager", County.Grid3)).PostJson($"/api/v1/party-tasks/{id}/groups/{County.Grid3}/split", split))
            .AssertProblem(404, "by: no member");
    }

    [Fact]
    public async Task AHandler_CannotMoveAnIssueHeldOutsideItsJurisdiction()
    {
        var id = await IssueApi.Report(fixture.Admin, County.Grid);
        await IssueApi.Act(fixture.Admin, id, "escalate", """{"note":"上报"}""");
        var gridHandler = fixture.App.ClientWith(await fixture.CreateKey("handler", County.Grid));
        // Reported in its grid, so it may see it; held by the village now, so it may not move it.
        Assert.Equal(HttpStatusCode.OK, (await gridHandler.GetAsync($"/api/v1/issues/{id}")).StatusCode);
        await (await gridHandler.PostJson($"/api/v1/issues/{id}/accept", "{}")).AssertProblem(403);
        var villageHandler = fixture.App.ClientWith(await fixture.CreateKey("handler", County.Village));
        Assert.Equal(HttpStatusCode.OK, (await villageHandler.PostJson($"/api/v1/issues/{id}/accept", "{}")).StatusCode);
    }
}
