using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GridActors.Tests.Console;

/// <summary>
/// A staff member's own password and session: changing it with the current one, an admin's reset that asks for a new
/// one at the next sign-in, the lockout after repeated failed sign-ins (said alike whether or not the account exists,
/// and recorded in the audit log), and an idle session sent back to sign-in after eight hours on the gateway's clock.
/// </summary>
public sealed class ConsoleAccountTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private async Task Account(string username, string password, string jurisdiction = County.Village)
    {
        var body = new JsonObject { ["username"] = username, ["displayName"] = "王网格", ["password"] = password, ["jurisdiction"] = jurisdiction, ["roles"] = new JsonArray("reader") };
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostJson("/api/v1/staff", body.ToJsonString())).StatusCode);
    }

    private async Task<IPage> SignIn(string username, string password, int width = 1280)
    {
        var page = await fixture.NewPage(width);
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync();
        return page;
    }

    private static async Task ChangePassword(IPage page, string current, string replacement, string? confirm = null)
    {
        await page.FillAsync("#current", current);
        await page.FillAsync("#new", replacement);
        await page.FillAsync("#confirm", confirm ?? replacement);
        await page.ClickAsync("#password-form button[type=submit]");
    }

    [Fact]
    public async Task AMember_ChangesTheirOwnPassword_WithTheCurrentOne()
    {
        await Account("pw.change", "first-password-1");
        var page = await SignIn("pw.change", "first-password-1");
        await page.ClickAsync("header a.who");
        Assert.EndsWith("/console/password", page.Url);

        await ChangePassword(page, "not-my-password", "second-password-2");
        Assert.Equal("与当前密码不符", (await page.TextContentAsync(".field-error[data-field='currentPassword']"))!.Trim());
        await ChangePassword(page, "first-password-1", "second-password-2", "second-password-3");
        Assert.Equal("两次输入的新密码不一致", (await page.TextContentAsync(".field-error[data-field='confirmPassword']"))!.Trim());
        await ChangePassword(page, "first-password-1", "short");
        Assert.Equal("应为 10 到 128 个字符", (await page.TextContentAsync(".field-error[data-field='newPassword']"))!.Trim());
        await ConsoleBrowserFixture.Shot(page, "password-desktop");

        await ChangePassword(page, "first-password-1", "second-password-2");
        Assert.Contains("密码已修改", await page.TextContentAsync("#changed"));

        Assert.Contains("failed=1", (await SignIn("pw.change", "first-password-1")).Url);
        Assert.DoesNotContain("/sign-in", (await SignIn("pw.change", "second-password-2")).Url);
    }

    [Fact]
    public async Task AnAdminsReset_AsksForANewPassword_BeforeAnyOtherPage()
    {
        await Account("pw.reset", "forgotten-password-1");
        var admin = await fixture.SignedIn("county.lead");
        await admin.GotoAsync("/console/staff");
        var reset = admin.Locator("form[data-reset='pw.reset']");
        await reset.Locator("input[type=password]").FillAsync("short");
        await reset.Locator("button").ClickAsync();
        Assert.Contains("应为 10 到 128 个字符", await admin.TextContentAsync(".notice"));
        await admin.Locator("form[data-reset='pw.reset'] input[type=password]").FillAsync("reset-password-1");
        await admin.Locator("form[data-reset='pw.reset'] button").ClickAsync();
        Assert.Contains("已重置 pw.reset 的密码", await admin.TextContentAsync(".notice"));

        var page = await SignIn("pw.reset", "reset-password-1", width: 360);
        Assert.EndsWith("/console/password", page.Url);
        Assert.Contains("管理员已重置您的密码", await page.TextContentAsync("#must-change"));
        await ConsoleBrowserFixture.AssertFitsThePhone(page);
        await ConsoleBrowserFixture.Shot(page, "password-phone");
        await page.GotoAsync("/console/units");
        Assert.EndsWith("/console/password", page.Url);

        await ChangePassword(page, "reset-password-1", "my-own-password-1");
        Assert.Contains("密码已修改", await page.TextContentAsync("#changed"));
        await page.GotoAsync("/console/units");
        Assert.EndsWith("/console/units", page.Url);
    }

    [Fact]
    public async Task FiveFailedSignIns_LockTheUsername_AlikeWhetherItExists_AndTheAuditLogRecordsIt()
    {
        await Account("pw.locked", "right-password-1");
        using var session = new ConsoleSession(fixture.App);
        string Location(HttpResponseMessage r) => r.Headers.Location!.OriginalString;

        for (var i = 1; i <= 4; i++)
        {
            Assert.Contains("failed=1", Location(await session.SignIn("pw.locked", $"wrong-password-{i}")));
        }
        var day = fixture.App.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var locked = Location(await session.SignIn("pw.locked", "wrong-password-5"));
        Assert.Equal("/console/sign-in?failed=locked&username=pw.locked&wait=15", locked);
        // Locked: the right password is refused too, until the 15 minutes are over.
        Assert.Equal(locked, Location(await session.SignIn("pw.locked", "right-password-1")));

        // A username without an account is answered the same way.
        for (var i = 1; i <= 4; i++)
        {
            Assert.Contains("failed=1", Location(await session.SignIn("pw.nobody", $"wrong-password-{i}")));
        }
        Assert.Equal("/console/sign-in?failed=locked&username=pw.nobody&wait=15", Location(await session.SignIn("pw.nobody", "wrong-password-5")));

        var html = await session.Http.GetStringAsync(locked);
        Assert.Contains("该用户名登录失败次数过多，已锁定，请 15 分钟后再试", System.Net.WebUtility.HtmlDecode(html));

        var log = await fixture.Admin.GetJson($"/api/v1/audit?county={County.Code}&date={day}&limit=200");
        var entry = Assert.Single(log["items"]!.AsArray(), e => e!["what"].Str().Contains("pw.locked locked until", StringComparison.Ordinal))!;
        Assert.Equal("staff:pw.locked", entry["keyId"].Str());
        Assert.Contains("5 failed sign-ins within 15 minutes", entry["what"].Str());

        fixture.App.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("/console", Location(await session.SignIn("pw.locked", "right-password-1")));
    }

    [Fact]
    public async Task AnIdleSession_EndsAfterEightHours_WhileAUsedOneSlides()
    {
        await Account("pw.session", "session-password-1");
        using var session = new ConsoleSession(fixture.App);
        Assert.Equal("/console", (await session.SignIn("pw.session", "session-password-1")).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/console/units")).StatusCode);

        // Used within the eight hours: the session is renewed past half its time and lasts.
        fixture.App.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/console/units")).StatusCode);
        fixture.App.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/console/units")).StatusCode);

        // Idle past eight hours: back to the sign-in form, and the API no longer takes the cookie.
        fixture.App.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        var expired = await session.Http.GetAsync("/console/units");
        Assert.Equal(HttpStatusCode.Found, expired.StatusCode);
        Assert.Contains("/console/sign-in?returnUrl=", expired.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
    }
}
