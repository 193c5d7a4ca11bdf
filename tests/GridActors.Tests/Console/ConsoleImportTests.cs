using System.Text;
using GridActors.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GridActors.Tests.Console;

/// <summary>
/// The bulk import page in headless Chromium: the deployment's admin downloads a template, uploads a county's units
/// sheet, reads the row report (a refused row with its line, column and rule in Chinese), downloads it, and finds the
/// units in the tree.
/// </summary>
public sealed class ConsoleImportTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private const string NewCounty = "340811";

    private const string UnitsSheet = """
        code,name,level,kind,leader_name,leader_phone,villager_groups,boundary
        340811,宜秀区,county,,,,,
        340811100,大龙山镇,township,,,,,
        340811100201,龙山村,village,村,,,,
        340811100201001,龙山一网格,grid,,龙网长,13955600077,上屋组、下屋组,
        340811100201002,龙山二网格,grid,,错号码,12,,
        """;

    private async Task<IPage> SignedInAsAdmin(int width = 1280)
    {
        var page = await fixture.NewPage(width);
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "bootstrap-password-1");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }

    [Fact]
    public async Task TheAdmin_ImportsACountysUnits_ReadsTheReport_AndFindsTheUnitsInTheTree()
    {
        var page = await SignedInAsAdmin();
        await page.ClickAsync("header nav a[href='/console/import']");
        Assert.EndsWith("/console/import", page.Url);

        // The template link downloads the file the import reads.
        var template = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#templates tr[data-kind=units] a:text('CSV')"));
        Assert.Equal("import-units-template.csv", template.SuggestedFilename);
        var templateText = await File.ReadAllTextAsync((await template.PathAsync())!);
        Assert.StartsWith("code,name,level,kind,leader_name,leader_phone,villager_groups,boundary", templateText.TrimStart('\uFEFF'));

        await page.SelectOptionAsync("#kind", "units");
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "宜秀区区划.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(UnitsSheet) });
        await page.ClickAsync("#import-form button[type=submit]");

        var counts = (await page.TextContentAsync("#report-counts"))!;
        Assert.Contains("共 5", counts);
        Assert.Contains("新增 4", counts);
        Assert.Contains("未导入 1", counts);
        var refused = page.Locator("#rejected tbody tr[data-row='6']");
        Assert.Equal(1, await refused.CountAsync());
        var cells = await refused.Locator("td").AllTextContentsAsync();
        Assert.Equal(["6", "340811100201002", "leader_phone", "应为 5 到 15 位数字"], cells.Select(c => c.Trim()).ToArray());
        await ConsoleBrowserFixture.Shot(page, "import-desktop");

        var report = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-download"));
        Assert.Equal("import-report-units.csv", report.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await report.PathAsync())!)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,key,outcome,column,rule", lines[0]);
        Assert.Contains("2,340811,created,,", lines);
        Assert.Contains("6,340811100201002,rejected,leader_phone,must have 5 to 15 digits", lines);

        // The units are there: the tree of the new county, and the grid as the API reads it.
        await page.GotoAsync($"/console/units?county={NewCounty}");
        var tree = (await page.TextContentAsync(".tree"))!;
        Assert.Contains("大龙山镇", tree);
        Assert.Contains("龙山村", tree);
        Assert.Contains("龙山一网格", tree);
        Assert.DoesNotContain("龙山二网格", tree);
        Assert.Equal("龙网长", (await fixture.Admin.GetJson("/api/v1/grids/340811100201001"))["leader"]!["name"].Str());
    }

    [Fact]
    public async Task AFileWithoutARequiredColumn_IsRefusedWhole_NamingTheColumn_OnAPhone()
    {
        var page = await SignedInAsAdmin(360);
        await page.GotoAsync("/console/import");
        await ConsoleBrowserFixture.AssertFitsThePhone(page);
        await page.SelectOptionAsync("#kind", "households");
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "农户.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("户主,地址\n董大山,董屋组12号\n") });
        await page.ClickAsync("#import-form button[type=submit]");
        Assert.Contains("没有写入任何数据", await page.TextContentAsync("#import-refused"));
        Assert.Equal(1, await page.Locator("#import-refused li[data-field='grid']").CountAsync());
        Assert.Equal(0, await page.Locator("#report").CountAsync());
        await ConsoleBrowserFixture.AssertFitsThePhone(page);
        await ConsoleBrowserFixture.Shot(page, "import-phone");
    }

    [Fact]
    public async Task StaffWithoutTheManagerRole_SeeNoImportLink_AndTheApiRefusesTheirFile()
    {
        var page = await fixture.SignedIn("viewer");
        Assert.Equal(0, await page.Locator("header nav a[href='/console/import']").CountAsync());
        await page.GotoAsync("/console/import");
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "units.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(UnitsSheet) });
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#import-form button[type=submit]"),
            r => r.Url.EndsWith("/console/import", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Equal(403, response.Status);
        Assert.Contains("需要“管理”角色", await page.TextContentAsync("#import-refused"));
    }
}
