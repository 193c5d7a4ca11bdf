using System.Globalization;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;

namespace GridActors.Tests.Open311;

/// <summary>
/// A boundary is used for routing from the moment its PUT answers. On an app of its own with the locator's default
/// settings: the shared fixture rebuilds the index on every miss, which would hide a stale index.
/// </summary>
public sealed class Open311GridBoundaryTests : IAsyncLifetime
{
    private readonly GatewayApp _app = GatewayApp.OnSqlite();
    private HttpClient _admin = null!;
    private string _reporter = "";

    public async Task InitializeAsync()
    {
        _admin = _app.Start();
        await County.Create(_admin);
        var key = await _admin.PostJson("/api/v1/keys", $$"""{"app":"open311-reporter","jurisdiction":"{{County.Code}}","roles":["reporter"]}""");
        _reporter = (await key.Json())["secret"].Str();
        await PutBoundary(County.Grid, Open311Fixture.Square(116.60, 30.40));
        // The county's index is built now, with only the first grid in it.
        Assert.Equal(County.Grid, await PostAndReadGrid(Open311Fixture.InGrid));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AGridDrawnWhereThereWasNone_RoutesTheNextRequest_AsSoonAsItsPutAnswers()
    {
        await PutBoundary(County.Grid2, Open311Fixture.Square(116.62, 30.40));

        Assert.Equal(County.Grid2, await PostAndReadGrid(Open311Fixture.InGrid2));
    }

    [Fact]
    public async Task ASmallerGridDrawnInsideAnother_RoutesTheNextRequest_AsSoonAsItsPutAnswers()
    {
        // Inside the first grid's square: the smaller (more specific) grid wins.
        await PutBoundary(County.Grid3, FormattableString.Invariant(
            $$"""{"type":"Polygon","coordinates":[[[116.605,30.405],[116.61,30.405],[116.61,30.41],[116.605,30.41],[116.605,30.405]]]}"""));

        Assert.Equal(County.Grid3, await PostAndReadGrid((30.407, 116.607)));
        Assert.Equal(County.Grid, await PostAndReadGrid((30.415, 116.615)));
    }

    private async Task PutBoundary(string grid, string boundary)
    {
        var current = await _admin.GetJson($"/api/v1/grids/{grid}");
        var put = await _admin.PutJson($"/api/v1/grids/{grid}", $$"""{"name":"{{current["name"].Str()}}","boundary":{{boundary}}}""");
        Assert.True(put.IsSuccessStatusCode, $"PUT grid {grid}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>Posts an Open311 request at the point and reads back, through /api/v1, the grid it landed in.</summary>
    private async Task<string> PostAndReadGrid((double Lat, double Long) at)
    {
        var (status, body, _) = await _admin.Post("json", Open311Calls.Located(_reporter, at));
        Assert.True(status == 201, $"POST at ({at.Lat.ToString(CultureInfo.InvariantCulture)}, {at.Long.ToString(CultureInfo.InvariantCulture)}): {status} {body}");
        var id = System.Text.Json.Nodes.JsonNode.Parse(body)![0]!["service_request_id"].Str();
        return (await IssueApi.Get(_admin, id))["grid"].Str();
    }
}
