using System.Net;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Units;

public sealed class UnitsApiFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class UnitsApiTests(UnitsApiFixture fixture) : IClassFixture<UnitsApiFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Put_NewUnit_Answers201WithLocationAndETag_ThenUpdateAnswers200()
    {
        var created = await _http.PutJson("/api/v1/grids/340822100201009", """{"name":"临时网格"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/grids/340822100201009", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        var updated = await _http.PutJson("/api/v1/grids/340822100201009", """{"name":"临时网格二"}""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.Json();
        Assert.Equal("临时网格二", body["name"].Str());
        Assert.Equal(2, body["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Put_SameBodyTwice_LeavesOneChildInTheParent()
    {
        await _http.PutJson("/api/v1/grids/340822100202002", """{"name":"新城二网格"}""");
        await _http.PutJson("/api/v1/grids/340822100202002", """{"name":"新城二网格"}""");
        var village = await _http.GetJson("/api/v1/villages/340822100202");
        Assert.Single(village["children"]!.AsArray(), c => c!["code"].Str() == "340822100202002");
    }

    [Fact]
    public async Task Get_Grid_ReturnsEverythingItWasGiven()
    {
        var grid = await _http.GetJson($"/api/v1/grids/{County.Grid}");
        Assert.Equal("grid", grid["level"].Str());
        Assert.Equal(County.Village, grid["parent"].Str());
        Assert.Equal("董屋组", grid["villagerGroups"]![0].Str());
        Assert.Equal("董明", grid["leader"]!["name"].Str());
        Assert.Equal("13955612345", grid["leader"]!["phone"].Str());
    }

    [Fact]
    public async Task Get_Village_ListsItsGridsAndKind()
    {
        var village = await _http.GetJson($"/api/v1/villages/{County.Village}");
        Assert.Equal("village", village["kind"].Str());
        var children = village["children"]!.AsArray().Select(c => c!["code"].Str()).ToArray();
        Assert.Contains(County.Grid, children);
        Assert.Contains(County.Grid2, children);
        Assert.All(village["children"]!.AsArray(), c => Assert.Equal("grid", c!["level"].Str()));
    }

    [Fact]
    public async Task Boundary_RoundTripsAsGeoJson()
    {
        var put = await _http.PutJson("/api/v1/grids/340822100202003", """
            {"name":"边界网格","boundary":{"type":"Polygon","coordinates":[[[116.5,30.6],[116.6,30.6],[116.6,30.7],[116.5,30.7],[116.5,30.6]]]}}
            """);
        Assert.True(put.IsSuccessStatusCode);
        var grid = await _http.GetJson("/api/v1/grids/340822100202003");
        Assert.Equal("Polygon", grid["boundary"]!["type"].Str());
        Assert.Equal(116.6, grid["boundary"]!["coordinates"]![0]![1]![0]!.GetValue<double>());
    }

    [Fact]
    public async Task Tree_NestsTownshipsVillagesAndGrids()
    {
        var tree = await _http.GetJson($"/api/v1/counties/{County.Code}/tree");
        Assert.Equal("怀宁县", tree["name"].Str());
        var township = tree["children"]!.AsArray().Single(t => t!["code"].Str() == County.Township)!;
        var village = township["children"]!.AsArray().Single(v => v!["code"].Str() == County.Village)!;
        Assert.Equal("village", village["kind"].Str());
        Assert.Contains(village["children"]!.AsArray(), g => g!["code"].Str() == County.Grid && g["name"].Str() == "董屋网格");
    }

    [Theory]
    [InlineData("/api/v1/counties/34082", "code", "6 (county)")]
    [InlineData("/api/v1/counties/340822100", "code", "a county code has 6 digits; '340822100' is a township code")]
    [InlineData("/api/v1/grids/340822100201", "code", "a grid code has 15 digits")]
    [InlineData("/api/v1/villages/34082210020x", "code", "digits only")]
    public async Task Put_MalformedOrWrongLevelCode_Is400NamingCode(string url, string field, string rule)
    {
        var response = await _http.PutJson(url, """{"name":"x","kind":"village"}""");
        await response.AssertInvalid(field, rule);
    }

    [Theory]
    [InlineData("/api/v1/counties/340823", """{}""", "name", "is required")]
    [InlineData("/api/v1/counties/340823", """{"name":"a","color":"red"}""", "color", "is not a known field")]
    [InlineData("/api/v1/counties/340823", """{"name":42}""", "name", "wrong JSON type")]
    [InlineData("/api/v1/villages/340822100209", """{"name":"某村","kind":"hamlet"}""", "kind", "must be one of: village, community")]
    [InlineData("/api/v1/grids/340822100201008", """{"name":"g","leader":{"name":"董明","phone":"phone"}}""", "leader.phone", "digits")]
    [InlineData("/api/v1/grids/340822100201008", """{"name":"g","boundary":{"type":"Point","coordinates":[1,2]}}""", "boundary.type", "Polygon or MultiPolygon")]
    public async Task Put_BadBody_Is400NamingTheFieldAndRule(string url, string json, string field, string rule)
    {
        var response = await _http.PutJson(url, json);
        await response.AssertInvalid(field, rule);
    }

    [Fact]
    public async Task Put_NotJson_Is400NotA500()
    {
        var response = await _http.PutJson("/api/v1/counties/340823", "{name: ");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Put_BadBody_WritesNothing()
    {
        await _http.PutJson("/api/v1/grids/340822100201007", """{"name":"g","leader":{"name":"","phone":"1"}}""");
        var get = await _http.GetAsync("/api/v1/grids/340822100201007");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var village = await _http.GetJson($"/api/v1/villages/{County.Village}");
        Assert.DoesNotContain(village["children"]!.AsArray(), c => c!["code"].Str() == "340822100201007");
    }

    [Fact]
    public async Task Get_UnknownUnit_Is404ProblemJson()
    {
        var response = await _http.GetAsync("/api/v1/townships/340822199");
        await response.AssertProblem(404, "No township 340822199 is registered");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/counties/340899/tree")).StatusCode);
    }

    [Fact]
    public async Task Put_UnitWhoseParentIsMissing_Is409NamingTheParent_AndWritesNothing()
    {
        var response = await _http.PutJson("/api/v1/grids/340822100299001", """{"name":"孤儿网格"}""");
        await response.AssertProblem(409, "village 340822100299 must be registered");
        Assert.Equal("340822100299", (await response.Json())["missingParent"].Str());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/grids/340822100299001")).StatusCode);
    }

    [Fact]
    public async Task Put_WithStaleIfMatch_Is412_AndCurrentIfMatchSucceeds()
    {
        var created = await _http.PutJson("/api/v1/townships/340822101", """{"name":"石牌镇"}""");
        var etag = created.Headers.ETag!.Tag;
        await _http.PutJson("/api/v1/townships/340822101", """{"name":"石牌镇 (更名)"}""");

        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/townships/340822101")
        {
            Content = new StringContent("""{"name":"旧名"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await _http.SendAsync(stale)).AssertProblem(412);

        var current = (await _http.GetAsync("/api/v1/townships/340822101")).Headers.ETag!.Tag;
        var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/v1/townships/340822101")
        {
            Content = new StringContent("""{"name":"石牌镇"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        fresh.Headers.TryAddWithoutValidation("If-Match", current);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Rename_UpdatesTheNameTheParentLists()
    {
        await _http.PutJson("/api/v1/villages/340822100203", """{"name":"旧村名","kind":"village"}""");
        await _http.PutJson("/api/v1/villages/340822100203", """{"name":"新村名","kind":"village"}""");
        var township = await _http.GetJson($"/api/v1/townships/{County.Township}");
        Assert.Equal("新村名", township["children"]!.AsArray().Single(c => c!["code"].Str() == "340822100203")!["name"].Str());
    }

    [Fact]
    public async Task Get_AfterAChange_ShowsTheChange_WhetherDetailsOrChildrenChanged()
    {
        // The gateway keeps each unit's last answer; every change must still show on the next read.
        await _http.PutJson("/api/v1/villages/340822100204", """{"name":"杏花村","kind":"village"}""");
        var before = await _http.GetAsync("/api/v1/villages/340822100204");
        Assert.Equal("\"1\"", before.Headers.ETag?.Tag);
        Assert.Empty((await before.Json())["children"]!.AsArray());
        Assert.Equal("杏花村", (await _http.GetJson("/api/v1/villages/340822100204"))["name"].Str());

        await _http.PutJson("/api/v1/grids/340822100204001", """{"name":"杏花一网格"}""");
        var withChild = await _http.GetAsync("/api/v1/villages/340822100204");
        Assert.Equal("\"1\"", withChild.Headers.ETag?.Tag);
        Assert.Equal("杏花一网格", Assert.Single((await withChild.Json())["children"]!.AsArray())!["name"].Str());

        await _http.PutJson("/api/v1/villages/340822100204", """{"name":"杏花新村","kind":"community"}""");
        var renamed = await _http.GetAsync("/api/v1/villages/340822100204");
        Assert.Equal("\"2\"", renamed.Headers.ETag?.Tag);
        var body = await renamed.Json();
        Assert.Equal("杏花新村", body["name"].Str());
        Assert.Equal("community", body["kind"].Str());
        Assert.Single(body["children"]!.AsArray());
        Assert.Equal("application/json; charset=utf-8", renamed.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Health_LiveReadyAndStartup_AreHealthy()
    {
        foreach (var probe in new[] { "/health/live", "/health/ready", "/health/startup" })
        {
            var response = await _http.GetAsync(probe);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task OpenApi_DocumentsEveryUnitOperation()
    {
        var doc = await _http.GetJson("/openapi/v1.json");
        var paths = doc["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/grids/{code}"));
        Assert.True(paths.ContainsKey("/api/v1/counties/{code}/tree"));
        Assert.Contains("统计用区划代码", paths["/api/v1/grids/{code}"]!["put"]!["description"].Str());
        var answer = paths["/api/v1/grids/{code}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Contains("UnitResponse", answer.ToJsonString());
    }
}
