using System.Net;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Units;

/// <summary>A unit's map reads every grid under it, with its boundary and what it holds, in one request.</summary>
public sealed class GridMapTests
{
    [Fact]
    public async Task ATownshipsMap_ListsEachGrid_WithItsBoundary_AndItsOpenAndOverdueIssues()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        await http.PutJson($"/api/v1/counties/{County.Code}/categories/hourly", Hourly);
        var boundary = """{"type":"Polygon","coordinates":[[[116.8,30.4],[116.82,30.4],[116.82,30.42],[116.8,30.4]]]}""";
        Assert.True((await http.PutJson($"/api/v1/grids/{County.Grid}", $$"""{"name":"董屋网格","boundary":{{boundary}}}""")).IsSuccessStatusCode);
        await Report(http, County.Grid);
        await Report(http, County.Grid, "hourly");
        await Report(http, County.Grid3);
        // The hourly issue's deadline has passed and the scheduler has not yet moved it: it is overdue where it is.
        app.Clock.Advance(TimeSpan.FromMinutes(61));

        var map = await Eventually.Get(() => http.GetJson($"/api/v1/townships/{County.Township}/grid-map"),
            m => m["items"]!.AsArray().Sum(g => g!["open"]!.GetValue<int>()) == 3, "three open issues on the map");
        var grids = map["items"]!.AsArray().ToDictionary(g => g!["code"].Str(), g => g!);
        Assert.Equal([County.Grid, County.Grid2, County.Grid3], grids.Keys.Order());
        Assert.Equal((2, 1), (grids[County.Grid]["open"]!.GetValue<int>(), grids[County.Grid]["overdue"]!.GetValue<int>()));
        Assert.Equal((0, 0), (grids[County.Grid2]["open"]!.GetValue<int>(), grids[County.Grid2]["overdue"]!.GetValue<int>()));
        Assert.Equal((1, 0), (grids[County.Grid3]["open"]!.GetValue<int>(), grids[County.Grid3]["overdue"]!.GetValue<int>()));
        Assert.Equal("Polygon", grids[County.Grid]["boundary"]!["type"].Str());
        Assert.Null(grids[County.Grid2]["boundary"]);
        Assert.Equal("董屋网格", grids[County.Grid]["name"].Str());

        var village = await http.GetJson($"/api/v1/villages/{County.Village2}/grid-map");
        Assert.Equal([County.Grid3], village["items"]!.AsArray().Select(g => g!["code"].Str()));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/townships/340822199/grid-map")).StatusCode);
    }
}
