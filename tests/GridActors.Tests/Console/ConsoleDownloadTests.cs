using System.Text;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Console;

/// <summary>A table in the console downloads as CSV in the browser, holding the rows the API's list holds.</summary>
public sealed class ConsoleDownloadTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task TheQueuesCsvLink_DownloadsEveryIssueOfTheQueue()
    {
        await fixture.Admin.PostJson($"/api/v1/grids/{County.Grid}/issues",
            """{"category":"neighbour-dispute","title":"导出测试","reporter":{"name":"董小六","phone":"13800138006"}}""");
        var expected = (await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid}/issues?status=open&limit=200"))["items"]!.AsArray()
            .Select(i => i!["id"].Str()).ToArray();

        var page = await fixture.SignedIn("county.lead");
        await page.GotoAsync($"/console/units/{County.Grid}/queue");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(".downloads a:text('CSV')"));
        Assert.Equal($"issues-{County.Grid}.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path, Encoding.UTF8)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,category,title,status,grid", lines[0], StringComparison.Ordinal);
        Assert.Equal(expected, lines[1..].Select(l => l.Split(',')[0]));
        Assert.Contains(lines, l => l.Contains("导出测试", StringComparison.Ordinal));
    }
}
