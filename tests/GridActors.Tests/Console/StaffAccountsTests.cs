using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Console;

public sealed class StaffFixture : IAsyncLifetime
{
    public const string AdminPassword = "bootstrap-password-1";

    public GatewayApp App { get; } = GatewayApp.OnSqlite().WithSetting("Auth:BootstrapAdminPassword", AdminPassword);
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        await County.Create(Admin);
    }

    public async Task<string> CreateKey(string jurisdiction, params string[] roles)
    {
        var response = await Admin.PostJson("/api/v1/keys", new JsonObject { ["app"] = "staff-test", ["jurisdiction"] = jurisdiction, ["roles"] = Roles(roles) }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    public static string Account(string username, string jurisdiction, string password = "a-good-password", params string[] roles) =>
        new JsonObject { ["username"] = username, ["displayName"] = "王网格", ["password"] = password, ["jurisdiction"] = jurisdiction, ["roles"] = Roles(roles.Length == 0 ? ["reader"] : roles) }.ToJsonString();

    private static JsonArray Roles(string[] roles) => new(roles.Select(r => (JsonNode)r!).ToArray());

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Staff accounts: made by admins within the bounds of API keys, signed in to the console with a password, and the
/// console's cookie accepted by the API as the same caller, with antiforgery on every write.
/// </summary>
public sealed class StaffAccountsTests(StaffFixture fixture) : IClassFixture<StaffFixture>
{
    [Fact]
    public async Task ACreateRetriedWithItsIdempotencyKey_AnswersTheAccountItMade_AndAnotherKeyOrCallerGets409()
    {
        var body = StaffFixture.Account("retry.wang", County.Village);
        var first = await fixture.Admin.PostJson("/api/v1/staff", body, "staff-retry-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await fixture.Admin.PostJson("/api/v1/staff", body, "staff-retry-1");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((await first.Json())["createdAt"].Str(), (await again.Json())["createdAt"].Str());
        await (await fixture.Admin.PostJson("/api/v1/staff", body, "staff-retry-2")).AssertProblem(409, "retry.wang");
        await (await fixture.Admin.PostJson("/api/v1/staff", body.Replace("[\"reader\"]", "[\"handler\"]"), "staff-retry-1")).AssertProblem(409, "retry.wang");
        var otherAdmin = fixture.App.ClientWith(await fixture.CreateKey(County.Code, "admin", "reader"));
        await (await otherAdmin.PostJson("/api/v1/staff", body, "staff-retry-1")).AssertProblem(409, "retry.wang");
    }

    [Fact]
    public async Task AnAdmin_CreatesAccountsOnlyWithinItsJurisdiction_AndWithAtMostItsRoles()
    {
        var countyAdmin = fixture.App.ClientWith(await fixture.CreateKey(County.Code, "admin", "reader"));
        await (await countyAdmin.PostJson("/api/v1/staff", StaffFixture.Account("wide", "34"))).AssertProblem(403, "jurisdiction 34");
        await (await countyAdmin.PostJson("/api/v1/staff", StaffFixture.Account("other", "340823"))).AssertProblem(403, "jurisdiction 340823");
        await (await countyAdmin.PostJson("/api/v1/staff", StaffFixture.Account("boss", County.Village, "a-good-password", "manager"))).AssertProblem(403, "role manager");
        var made = await countyAdmin.PostJson("/api/v1/staff", StaffFixture.Account("dong.wu", County.Village));
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var account = await made.Json();
        Assert.Equal("dong.wu", account["username"].Str());
        Assert.Null(account["passwordHash"]);
        Assert.DoesNotContain("a-good-password", account.ToJsonString());
        await (await countyAdmin.PostJson("/api/v1/staff", StaffFixture.Account("dong.wu", County.Village))).AssertProblem(409, "dong.wu");
        // A manager is no admin.
        var manager = fixture.App.ClientWith(await fixture.CreateKey(County.Code, "manager"));
        await (await manager.PostJson("/api/v1/staff", StaffFixture.Account("x-user", County.Village))).AssertProblem(403, "admin role");
    }

    [Fact]
    public async Task BadAccountFields_AreNamedWithTheirRules_AndNothingIsMade()
    {
        var response = await fixture.Admin.PostJson("/api/v1/staff",
            """{"username":"9Bad Name","displayName":" ","password":"short","jurisdiction":"34x","roles":["boss"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Json())["errors"]!.AsObject();
        Assert.Equal(["displayName", "jurisdiction", "password", "roles[0]", "username"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync("/api/v1/staff/9bad")).StatusCode);
    }

    [Fact]
    public async Task AnAdmin_ListsAndDisablesOnlyTheAccountsOfItsJurisdiction()
    {
        await fixture.Admin.PutJson("/api/v1/counties/340823", """{"name":"潜山市"}""");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostJson("/api/v1/staff", StaffFixture.Account("qianshan.li", "340823"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostJson("/api/v1/staff", StaffFixture.Account("gaohe.zhang", County.Township))).StatusCode);
        var villageAdmin = fixture.App.ClientWith(await fixture.CreateKey(County.Township, "admin", "reader"));

        var listed = (await villageAdmin.GetJson("/api/v1/staff?limit=200"))["items"]!.AsArray().Select(a => a!["username"].Str()).ToArray();
        Assert.Contains("gaohe.zhang", listed);
        Assert.DoesNotContain("qianshan.li", listed);
        Assert.DoesNotContain("admin", listed);

        await (await villageAdmin.PostAsync("/api/v1/staff/qianshan.li/disable", null)).AssertProblem(404, "qianshan.li");
        await (await villageAdmin.GetAsync("/api/v1/staff/qianshan.li")).AssertProblem(404);
        Assert.Null((await fixture.Admin.GetJson("/api/v1/staff/qianshan.li"))["disabledAt"]);
    }

    [Fact]
    public async Task TheBootstrapAdmin_SignsIn_AndTheCookieIsTheSameCallerAsAKey()
    {
        using var session = new ConsoleSession(fixture.App);
        var wrong = await session.SignIn("admin", "not-the-password");
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.Contains("failed=1", wrong.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync("/api/v1/staff")).StatusCode);

        var signedIn = await session.SignIn("admin", StaffFixture.AdminPassword);
        Assert.Equal("/console", signedIn.Headers.Location!.ToString());
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gridactors.console=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        var staff = await session.Http.GetAsync("/api/v1/staff");
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        Assert.Contains("admin", (await staff.Json())["items"]!.AsArray().Select(a => a!["username"].Str()));
    }

    [Fact]
    public async Task ACookieAuthenticatedWrite_WithoutTheAntiforgeryToken_IsRefused_AndWithItGoesThrough()
    {
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostJson("/api/v1/staff",
            StaffFixture.Account("county.reporter", County.Code, "reporter-password", "reader", "reporter"))).StatusCode);
        using var session = new ConsoleSession(fixture.App);
        Assert.Equal("/console", (await session.SignIn("county.reporter", "reporter-password")).Headers.Location!.ToString());
        const string issue = """{"category":"neighbour-dispute","title":"邻里纠纷"}""";

        var forged = await session.Http.PostJson($"/api/v1/grids/{County.Grid}/issues", issue);
        await forged.AssertInvalid("X-Antiforgery-Token", "antiforgery token");
        Assert.Equal(0, (await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid}/issues?status=all"))["total"]!.GetValue<int>());

        var token = await session.FormToken("/console/units");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/grids/{County.Grid}/issues") { Content = new StringContent(issue, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Antiforgery-Token", token);
        var made = await session.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        // Recorded as done by the signed-in member, as a key's id and app are for an app.
        var history = (await fixture.Admin.GetJson($"/api/v1/issues/{(await made.Json())["id"].Str()}"))["history"]!.AsArray();
        Assert.Equal("county.reporter", history[0]!["actor"]!["id"].Str());
    }

    [Fact]
    public async Task ADisabledAccount_CannotSignIn_AndItsSessionEnds()
    {
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostJson("/api/v1/staff", StaffFixture.Account("leaving.wang", County.Code, "leaving-password"))).StatusCode);
        using var session = new ConsoleSession(fixture.App);
        await session.SignIn("leaving.wang", "leaving-password");
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync($"/api/v1/counties/{County.Code}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.PostAsync("/api/v1/staff/leaving.wang/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync($"/api/v1/counties/{County.Code}")).StatusCode);
        using var again = new ConsoleSession(fixture.App);
        Assert.Contains("failed=1", (await again.SignIn("leaving.wang", "leaving-password")).Headers.Location!.ToString());
    }
}

/// <summary>The first staff account on the embedded profile: its generated password kept beside the bootstrap admin key.</summary>
public sealed class BootstrapAdminAccountTests
{
    [Fact]
    public async Task WithoutAConfiguredPassword_OneIsGeneratedIntoTheDataFolder_AndSignsIn()
    {
        await using var app = GatewayApp.OnSqlite();
        app.Start();
        var file = Path.Combine(app.Settings["Storage:DataDirectory"]!, "bootstrap-admin-password");
        Assert.True(File.Exists(file), file);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        using var session = new ConsoleSession(app);
        Assert.Equal("/console", (await session.SignIn("admin", File.ReadAllText(file).Trim())).Headers.Location!.ToString());
    }
}
