using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Stars;

/// <summary>
/// Star boards above the village are summed up the tree (a line per child unit) and list published ratings a page at
/// a time, village by village, so a county of 25,000 members is read in pages without asking every rating.
/// </summary>
public sealed class StarBoardTests
{
    private const int Year = 2026;

    [Fact]
    public async Task TownshipAndCountyBoards_SumTheirChildrenAndPageThroughEveryPublishedRatingOnce()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var leader1 = await CreateMember(http, County.Grid, "榜董组长");
        var member1 = await CreateMember(http, County.Grid, "榜董甲");
        await SetUpGroup(http, County.Grid, leader1);
        var leader2 = await CreateMember(http, County.Grid3, "榜新组长");
        var member2 = await CreateMember(http, County.Grid3, "榜新甲");
        var member3 = await CreateMember(http, County.Grid3, "榜新乙");
        await SetUpGroup(http, County.Grid3, leader2);

        // Nothing published yet: the county counts nothing, the village lists everyone as not published.
        var empty = await http.GetJson($"/api/v1/counties/{County.Code}/star-board?year={Year}");
        Assert.Equal((0, 0), (empty["groupsPublished"]!.GetValue<int>(), empty["members"]!.AsArray().Count));
        Assert.All((await http.GetJson($"/api/v1/villages/{County.Village2}/star-board?year={Year}"))["members"]!.AsArray(),
            m => Assert.Equal("notPublished", m!["status"].Str()));

        await Ok(await http.PostJson($"/api/v1/villages/{County.Village}/stars/publish?year={Year}", "{}"));
        await Ok(await http.PostJson($"/api/v1/villages/{County.Village2}/stars/publish?year={Year}", "{}"));

        var township = await Eventually.Get(() => http.GetJson($"/api/v1/townships/{County.Township}/star-board?year={Year}"),
            b => b["membersPublished"]!.GetValue<int>() == 5, "the township board to count all five members");
        Assert.Equal([County.Village, County.Village2], township["units"]!.AsArray().Select(u => u!["unit"].Str()));
        Assert.Equal([2, 3], township["units"]!.AsArray().Select(u => u!["membersPublished"]!.GetValue<int>()));
        Assert.Equal("[5,0,0,0,0]", township["memberDistribution"]!.ToJsonString()); // nothing promised or done yet: 1 star each

        var county = await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/star-board?year={Year}&pageSize=2"),
            b => b["membersPublished"]!.GetValue<int>() == 5, "the county board to count all five members");
        Assert.Equal(2, county["groupsPublished"]!.GetValue<int>());
        Assert.Equal("[2,0,0,0,0]", county["groupDistribution"]!.ToJsonString());
        Assert.Equal([County.Grid, County.Grid3], county["groups"]!.AsArray().Select(g => g!["id"].Str()));

        // Pages of 2 members: the first village's two, then the second village's three over two pages, then nothing.
        var pages = new List<string[]>();
        for (var page = 1; page <= 4; page++)
        {
            var board = await http.GetJson($"/api/v1/counties/{County.Code}/star-board?year={Year}&page={page}&pageSize=2");
            Assert.Equal(page, board["page"]!.GetValue<int>());
            pages.Add(board["members"]!.AsArray().Select(m => m!["id"].Str()).ToArray());
        }
        Assert.Equal([2, 2, 1, 0], pages.Select(p => p.Length));
        Assert.Equal(new[] { leader1, member1 }.Order(), pages[0].Order());
        Assert.Equal(new[] { leader2, member2, member3 }.Order(), pages[1].Concat(pages[2]).Order());

        await (await http.GetAsync($"/api/v1/counties/{County.Code}/star-board?year={Year}&page=0")).AssertInvalid("page", "1 or more");
        await (await http.GetAsync($"/api/v1/counties/{County.Code}/star-board?year={Year}&pageSize=5000")).AssertInvalid("pageSize", "from 1 to 2000");
        await (await http.GetAsync($"/api/v1/townships/340822199/star-board?year={Year}")).AssertProblem(404);
    }
}
