using System.Net;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Console;

/// <summary>
/// The admin pages in headless Chromium against the real gateway: API keys made (the secret shown once and working
/// within its jurisdiction), listed and revoked; the audit log of personal data reads, filtered by county and day.
/// </summary>
public sealed class ConsoleAdminTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task AnAdmin_MakesAKey_SeesItsSecretOnce_AndRevokesIt()
    {
        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync("/console/keys");

        // A wrong jurisdiction: the rule in Chinese next to the field, and what was typed kept.
        await page.FillAsync("#create-key input[name='Posted.App']", "12345热线对接");
        await page.FillAsync("#create-key input[name='Posted.Jurisdiction']", "34082");
        await page.ClickAsync("#create-key button[type=submit]");
        Assert.StartsWith("应为区划代码前缀", (await page.TextContentAsync("#create-key .field-error[data-field='jurisdiction']"))!.Trim());
        Assert.Equal("12345热线对接", await page.InputValueAsync("#create-key input[name='Posted.App']"));

        await page.FillAsync("#create-key input[name='Posted.Jurisdiction']", County.Township);
        await page.CheckAsync("#create-key input[value='reporter']");
        await page.ClickAsync("#create-key button[type=submit]");
        var secret = (await page.TextContentAsync("#secret"))!.Trim();
        Assert.False(string.IsNullOrEmpty(secret));
        Assert.Contains("12345热线对接", await page.TextContentAsync("#keys"));

        // The key works within its township and nowhere else, as any key made through the API.
        var app = fixture.App.ClientWith(secret);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync($"/api/v1/townships/{County.Township}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync($"/api/v1/townships/{ConsoleBrowserFixture.OtherTownship}")).StatusCode);

        // Shown once: the list never shows it again.
        await page.GotoAsync("/console/keys");
        Assert.Equal(0, await page.Locator("#secret").CountAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync());

        var row = page.Locator("#keys tr", new() { HasText = "12345热线对接" });
        await row.Locator("button[type=submit]").ClickAsync();
        Assert.Contains("已吊销", await page.Locator("#keys tr", new() { HasText = "12345热线对接" }).TextContentAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync($"/api/v1/townships/{County.Township}")).StatusCode);
        // Saved after the revocation: the picture shows no secret, even of a test key.
        await ConsoleBrowserFixture.Shot(page, "keys-desktop");
    }

    [Fact]
    public async Task AnAdmin_ReadsTheAuditLog_ByCountyAndDay()
    {
        // An unmasked read of a reporter's phone: the API records it.
        var made = await fixture.Admin.PostJson($"/api/v1/grids/{County.Grid}/issues",
            """{"category":"neighbour-dispute","title":"审计测试","reporter":{"name":"董小五","phone":"13800138002"}}""");
        var id = (await made.Json())["id"].Str();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Admin.GetAsync($"/api/v1/issues/{id}")).StatusCode);
        var log = await fixture.Admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");

        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync("/console/audit");
        Assert.Equal(County.Code, await page.InputValueAsync("#audit-filter input[name=county]"));
        Assert.Equal("2026-03-02", await page.InputValueAsync("#audit-filter input[name=date]"));
        Assert.Equal(log["items"]!.AsArray().Count, await page.Locator("#audit tbody tr").CountAsync());
        Assert.Contains(County.Grid, await page.TextContentAsync("#audit"));
        await ConsoleBrowserFixture.Shot(page, "audit-desktop");

        await page.FillAsync("#audit-filter input[name=date]", "2026-13-01");
        await page.ClickAsync("#audit-filter button[type=submit]");
        Assert.Equal("必填：日期，格式 YYYY-MM-DD（北京时间）", (await page.TextContentAsync(".field-error[data-field='date']"))!.Trim());
        Assert.Equal("2026-13-01", await page.InputValueAsync("#audit-filter input[name=date]"));
    }

    [Fact]
    public async Task StaffWithoutTheAdminRole_AreRefusedTheAdminPages()
    {
        var page = await fixture.SignedIn("gaohe.staff");
        foreach (var path in new[] { "/console/keys", "/console/audit" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            Assert.Contains("没有执行此操作的权限", await page.TextContentAsync("main"));
        }
    }
}
