using GridActors.Tests.Infrastructure;
using Microsoft.Playwright;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Console;

/// <summary>
/// A township's staff keep its page open; an issue reported at one of its grids climbs by its deadlines, and each step
/// appears in the page's live feed without a reload. Its own service: the test moves the clock.
/// </summary>
public sealed class ConsoleLiveFeedTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task AnEscalationByDeadline_ArrivesInTheTownshipsFeed_WithoutAReload()
    {
        Assert.True((await fixture.Admin.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", Hourly)).IsSuccessStatusCode);
        var page = await fixture.SignedIn("gaohe.staff");
        await page.GotoAsync($"/console/units/{County.Township}");
        await page.WaitForSelectorAsync("#feed-state:has-text('实时')");
        await page.EvaluateAsync("() => window.stillTheSamePage = true");

        var id = await Report(fixture.Admin, County.Grid, "hourly", "村口涵洞堵塞");
        var reported = page.Locator($"#feed-items li[data-kind='reported']:has(a[href='/console/issues/{id}'])");
        await reported.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Contains("新上报", await reported.TextContentAsync());

        var escalated = page.Locator($"#feed-items li[data-kind='escalated']:has(a[href='/console/issues/{id}'])");
        await Advance(fixture.App, TimeSpan.FromMinutes(61));
        await Assertions.Expect(escalated).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        // The village's deadline is kept by its queue, which takes the issue from the escalation stream.
        await Eventually.Get(() => Queue(fixture.Admin, "villages", County.Village), q => q.Contains(id), "the village queue");
        await Advance(fixture.App, TimeSpan.FromMinutes(61));
        await Assertions.Expect(escalated).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        // Newest first: the arrival at the township is at the top.
        Assert.Contains(County.Township, await page.Locator("#feed-items li").First.TextContentAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page was reloaded");
        await ConsoleBrowserFixture.Shot(page, "township-feed-desktop");

        // Another township's staff see nothing of it.
        await page.GotoAsync($"/console/units/{ConsoleBrowserFixture.OtherTownship}");
        Assert.Equal(404, (await page.Context.APIRequest.GetAsync($"/api/v1/townships/{ConsoleBrowserFixture.OtherTownship}/feed")).Status);
    }
}
