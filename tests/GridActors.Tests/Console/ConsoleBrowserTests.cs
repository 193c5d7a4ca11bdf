using GridActors.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GridActors.Tests.Console;

/// <summary>
/// The console in a real browser (headless Chromium) against the real gateway: what county, township and village staff
/// see and do, at a desk (1280 px) and on a phone (360 px). Every page is also saved as a screenshot.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private const string Village = County.Village;

    private static async Task<string?> GridState(IPage page, string grid) =>
        await page.GetAttributeAsync($"#map a[data-grid='{grid}']", "data-state");

    [Fact]
    public async Task CountyStaff_ReportAcceptAndResolveAnIssue_AndTheMapAndChartsFollow()
    {
        var anonymous = await fixture.NewPage();
        await anonymous.GotoAsync("/");
        Assert.Contains("/console/sign-in", anonymous.Url);
        await ConsoleBrowserFixture.Shot(anonymous, "sign-in-desktop");

        var page = await fixture.SignedIn("county.lead");
        Assert.EndsWith($"/console/units/{County.Code}", page.Url);
        Assert.Equal("怀宁县", (await page.TextContentAsync("h1"))!.Split(' ')[0].Trim());
        // Charts: three periods of three series of counts, and the rates chart drawn even with nothing settled yet.
        Assert.Equal(9, await page.Locator("#chart-counts svg rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("#chart-rates svg").CountAsync());
        Assert.Equal(3, await page.Locator("#map a[data-grid]").CountAsync());

        await page.GotoAsync($"/console/units/{Village}");
        Assert.Equal("clear", await GridState(page, County.Grid));

        // A wrong value: the API's message next to its field, and what was typed kept.
        await page.GotoAsync($"/console/grids/{County.Grid}/report");
        await page.SelectOptionAsync("#category", "neighbour-dispute");
        await page.FillAsync("#title", "董屋组路灯不亮");
        await page.FillAsync("#description", "村口三盏路灯一周未亮，夜间出行不便。");
        await page.FillAsync("#reporter-name", "董大妈");
        await page.FillAsync("#reporter-phone", "12");
        await page.ClickAsync("#report-form button[type=submit]");
        var phoneError = page.Locator(".field-error[data-field='reporter.phone']");
        Assert.True(await phoneError.IsVisibleAsync());
        Assert.False(string.IsNullOrWhiteSpace(await phoneError.TextContentAsync()));
        Assert.Equal("董屋组路灯不亮", await page.InputValueAsync("#title"));
        Assert.Equal("12", await page.InputValueAsync("#reporter-phone"));
        await ConsoleBrowserFixture.Shot(page, "report-invalid-desktop");

        // Sent twice (a double tap, a retry after a timeout): one issue, the same one both times.
        await page.FillAsync("#reporter-phone", "13955612345");
        var form = await page.EvalOnSelectorAsync<Dictionary<string, string>>("#report-form", "f => Object.fromEntries(new FormData(f))");
        var first = await page.Context.APIRequest.PostAsync(page.Url, new() { Form = Form(page, form), MaxRedirects = 0 });
        var second = await page.Context.APIRequest.PostAsync(page.Url, new() { Form = Form(page, form), MaxRedirects = 0 });
        Assert.Equal(302, first.Status);
        Assert.Equal(first.Headers["location"], second.Headers["location"]);
        var queue = await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid}/issues?status=all");
        Assert.Equal(1, queue["items"]!.AsArray().Count(i => i!["title"].Str() == "董屋组路灯不亮"));

        await page.GotoAsync(first.Headers["location"]);
        var issueUrl = page.Url;
        Assert.Equal("待受理", (await page.TextContentAsync("#issue-status"))!.Trim());
        Assert.Contains("13955612345", await page.TextContentAsync("#reporter"));

        await page.GotoAsync($"/console/units/{Village}");
        Assert.Equal("open", await GridState(page, County.Grid));
        await ConsoleBrowserFixture.Shot(page, "village-dashboard-desktop");
        await page.GotoAsync($"/console/units/{County.Grid}/queue");
        Assert.Contains("董屋组路灯不亮", await page.TextContentAsync("#queue"));
        await ConsoleBrowserFixture.Shot(page, "queue-desktop");

        await page.GotoAsync(issueUrl);
        await page.ClickAsync("#act-accept button[type=submit]");
        Assert.Equal("已受理", (await page.TextContentAsync("#issue-status"))!.Trim());
        await page.FillAsync("#act-resolve textarea", "已更换灯泡，恢复照明。");
        await page.ClickAsync("#act-resolve button[type=submit]");
        Assert.Equal("已办结", (await page.TextContentAsync("#issue-status"))!.Trim());
        var timeline = await page.TextContentAsync("#timeline");
        Assert.Contains("李主任", timeline);
        Assert.Contains("已更换灯泡", timeline);
        await ConsoleBrowserFixture.Shot(page, "issue-desktop");

        await page.GotoAsync($"/console/units/{Village}");
        Assert.Equal("clear", await GridState(page, County.Grid));
        await page.ClickAsync($"#map a[data-grid='{County.Grid}']");
        Assert.EndsWith($"/console/units/{County.Grid}", page.Url);

        await page.GotoAsync($"/console/units/{County.Code}");
        await ConsoleBrowserFixture.Shot(page, "county-dashboard-desktop");
        await page.GotoAsync("/console/units?q=网格");
        Assert.Equal(4, await page.Locator("table tbody tr").CountAsync());
        await page.GotoAsync("/console/units");
        await ConsoleBrowserFixture.Shot(page, "units-desktop");
        await page.GotoAsync("/console/staff");
        await ConsoleBrowserFixture.Shot(page, "staff-desktop");

        // The same pages on a phone.
        var phone = await fixture.SignedIn("county.lead", 360);
        foreach (var (path, name) in new[]
                 {
                     ($"/console/units/{County.Code}", "county-dashboard"), ($"/console/units/{Village}", "village-dashboard"),
                     ($"/console/units/{County.Grid}/queue?status=all", "queue"), (new Uri(issueUrl).PathAndQuery, "issue"),
                     ($"/console/grids/{County.Grid}/report", "report"), ("/console/units", "units"),
                 })
        {
            var response = await phone.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            // Nothing wider than the phone: no sideways scrolling.
            Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{path} scrolls sideways at 360 px");
            await ConsoleBrowserFixture.Shot(phone, name + "-phone");
        }
        var signIn = await fixture.NewPage(360);
        await signIn.GotoAsync("/console/sign-in");
        await ConsoleBrowserFixture.Shot(signIn, "sign-in-phone");
    }

    /// <summary>The form's fields as the browser would post them (the same antiforgery token and Idempotency-Key each time).</summary>
    private static IFormData Form(IPage page, Dictionary<string, string> fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (key, value) in fields)
        {
            form.Set(key, value);
        }
        return form;
    }

    [Fact]
    public async Task TownshipStaff_GetNotFound_OnAnotherTownshipsPages()
    {
        var page = await fixture.SignedIn("gaohe.staff");
        Assert.EndsWith($"/console/units/{County.Township}", page.Url);
        foreach (var path in new[] { $"/console/units/{ConsoleBrowserFixture.OtherTownship}", $"/console/units/{ConsoleBrowserFixture.OtherGrid}/queue", $"/console/grids/{ConsoleBrowserFixture.OtherGrid}/report" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(404, response!.Status);
            Assert.Contains("找不到", await page.TextContentAsync("main"));
            Assert.DoesNotContain("石牌", await page.TextContentAsync("main"));
        }
        Assert.Equal(200, (await page.GotoAsync($"/console/units/{County.Village}"))!.Status);
    }

    [Fact]
    public async Task AReader_SeesTheReportersPhoneMasked_AndNoActions()
    {
        var made = await fixture.Admin.PostJson($"/api/v1/grids/{County.Grid2}/issues",
            """{"category":"neighbour-dispute","title":"汪屋组邻里纠纷","reporter":{"name":"汪小二","phone":"13800138000"}}""");
        var id = (await made.Json())["id"].Str();
        var page = await fixture.SignedIn("viewer");
        await page.GotoAsync($"/console/issues/{id}");
        var reporter = await page.TextContentAsync("#reporter");
        Assert.Contains("138****8000", reporter);
        Assert.DoesNotContain("13800138000", await page.ContentAsync());
        Assert.Equal(0, await page.Locator("form[id^=act-]").CountAsync());
    }

    [Fact]
    public async Task TheConsole_SpeaksEnglish_WhenSwitched()
    {
        var page = await fixture.NewPage();
        await page.GotoAsync("/console/sign-in");
        await page.ClickAsync("a.lang");
        Assert.Equal("Staff sign-in", (await page.TextContentAsync("h1"))!.Trim());
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task AWrongPassword_IsSaid_AndTheUsernameKept()
    {
        var page = await fixture.NewPage();
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#username", "county.lead");
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("用户名或密码不正确", await page.TextContentAsync("[role=alert]"));
        Assert.Equal("county.lead", await page.InputValueAsync("#username"));
    }
}
