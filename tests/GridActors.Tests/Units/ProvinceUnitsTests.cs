using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Units;

/// <summary>
/// Provinces (省, 2 digits) and cities (市, 4 digits) above the counties: how counties attach (docs/units.md), what bad
/// input answers, who reads them, and resolution statistics kept at both by pushes from below.
/// </summary>
public sealed class ProvinceUnitsTests
{
    private const string Province = "34";
    private const string City = "3408";
    private const string Day = "?from=2026-03-02&to=2026-03-02";

    [Fact]
    public async Task ProvinceCityAndCounty_AttachByCode_AndReadBackWithTheirParentsAndChildren()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();

        var province = await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"安徽省"}""");
        Assert.Equal(HttpStatusCode.Created, province.StatusCode);
        Assert.Equal("/api/v1/provinces/34", province.Headers.Location?.OriginalString);
        var body = await province.Json();
        Assert.Equal("province", body["level"].Str());
        Assert.True(body["usesCities"]!.GetValue<bool>());
        Assert.Null(body["parent"]);

        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/cities/{City}", """{"name":"安庆市"}""")).StatusCode);
        await County.Create(http);
        // 省直辖县级: city digits 90 attach to the province even though it uses cities.
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson("/api/v1/counties/349001", """{"name":"直辖市"}""")).StatusCode);

        var county = await http.GetJson($"/api/v1/counties/{County.Code}");
        Assert.Equal(City, county["parent"].Str());
        var city = await http.GetJson($"/api/v1/cities/{City}");
        Assert.Equal("city", city["level"].Str());
        Assert.Equal(Province, city["parent"].Str());
        Assert.Contains(city["children"]!.AsArray(), c => c!["code"].Str() == County.Code && c["level"].Str() == "county");
        var read = await http.GetJson($"/api/v1/provinces/{Province}");
        Assert.Equal(["3408:city", "349001:county"], read["children"]!.AsArray().Select(c => $"{c!["code"].Str()}:{c["level"].Str()}").Order().ToArray());
        Assert.Equal(Province, (await http.GetJson("/api/v1/counties/349001"))["parent"].Str());

        var tree = await http.GetJson($"/api/v1/provinces/{Province}/tree");
        var grids = tree["children"]!.AsArray().Single(c => c!["code"].Str() == City)!["children"]![0]!["children"]![0]!["children"]!.AsArray()
            .SelectMany(v => v!["children"]!.AsArray()).Select(g => g!["code"].Str()).Order().ToArray();
        Assert.Equal(new[] { County.Grid, County.Grid2, County.Grid3 }.Order().ToArray(), grids);
        Assert.Equal(County.Code, (await http.GetJson($"/api/v1/cities/{City}/tree"))["children"]![0]!["code"].Str());
    }

    [Fact]
    public async Task BadCodesAndMissingParents_AreAnswered400Or409NamingTheField_AndWriteNothing()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await (await http.PutJson("/api/v1/provinces/340", """{"name":"安徽省"}""")).AssertInvalid("code", "2 (province)");
        await (await http.PutJson("/api/v1/cities/340822", """{"name":"安庆市"}""")).AssertInvalid("code", "a city code has 4 digits");
        await (await http.PutJson("/api/v1/provinces/3408", """{"name":"安庆市"}""")).AssertInvalid("code", "a province code has 2 digits");
        await (await http.PutJson("/api/v1/cities/3400", """{"name":"安庆市"}""")).AssertInvalid("code", "digits 3-4");
        await (await http.PutJson("/api/v1/cities/3408", """{"name":"安庆市","usesCities":true}""")).AssertInvalid("usesCities", "only to provinces");

        // A city needs its province.
        var orphanCity = await http.PutJson($"/api/v1/cities/{City}", """{"name":"安庆市"}""");
        await orphanCity.AssertProblem(409, "province 34 must be registered");
        Assert.Equal(Province, (await orphanCity.Json())["missingParent"].Str());
        await (await http.GetAsync($"/api/v1/cities/{City}")).AssertProblem(404);

        // A province that uses cities takes a county only under its registered city.
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"安徽省"}""")).StatusCode);
        var orphanCounty = await http.PutJson($"/api/v1/counties/{County.Code}", """{"name":"怀宁县"}""");
        await orphanCounty.AssertProblem(409, "city 3408 must be registered");
        var problem = (await orphanCounty.Json()).AsObject();
        Assert.Equal(City, problem["missingParent"].Str());
        Assert.Equal("city", problem["missingParentLevel"].Str());
        Assert.Contains("3408", problem["errors"]!["code"]![0].Str());
        await (await http.GetAsync($"/api/v1/counties/{County.Code}")).AssertProblem(404);
        Assert.Empty((await http.GetJson($"/api/v1/provinces/{Province}"))["children"]!.AsArray());

        // Once units attached by it, the province's choice stays.
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/cities/{City}", """{"name":"安庆市"}""")).StatusCode);
        var flip = await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"安徽省","usesCities":false}""");
        await flip.AssertProblem(409, "usesCities cannot change");
        Assert.NotNull((await flip.Json())["errors"]!["usesCities"]);
        Assert.True((await http.GetJson($"/api/v1/provinces/{Province}"))["usesCities"]!.GetValue<bool>());
    }

    /// <summary>
    /// A deployment of counties alone (no province registered) works as before; when its province is registered later,
    /// a county attaches on its next write, and its statistics counted until then go up with it.
    /// </summary>
    [Fact]
    public async Task CountyStandingAlone_AttachesLater_AndTakesItsStatisticsUp()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        Assert.Null((await http.GetJson($"/api/v1/counties/{County.Code}"))["parent"]);
        await Report(http, County.Grid);
        await Report(http, County.Grid3);
        await Eventually.Get(() => http.GetJson($"/api/v1/counties/{County.Code}/resolution-stats{Day}"),
            s => s["reported"]!.GetValue<long>() == 2, "the county's statistics");

        Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"北京市","usesCities":false}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PutJson($"/api/v1/counties/{County.Code}", """{"name":"怀宁县"}""")).StatusCode);
        Assert.Equal(Province, (await http.GetJson($"/api/v1/counties/{County.Code}"))["parent"].Str());

        var province = await Eventually.Get(() => http.GetJson($"/api/v1/provinces/{Province}/resolution-stats{Day}"),
            s => s["reported"]!.GetValue<long>() == 2, "the county's earlier statistics at the province");
        Assert.Equal("province", province["level"].Str());
        await Report(http, County.Grid2);
        await Eventually.Get(() => http.GetJson($"/api/v1/provinces/{Province}/resolution-stats{Day}"),
            s => s["reported"]!.GetValue<long>() == 3, "a later report at the province");
    }

    [Fact]
    public async Task CityAndProvinceKeys_SeeEverythingUnderThem_AndNothingBeside()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"安徽省"}""");
        await http.PutJson($"/api/v1/cities/{City}", """{"name":"安庆市"}""");
        await http.PutJson("/api/v1/cities/3409", """{"name":"黄山市"}""");
        await County.Create(http);

        var cityReader = app.ClientWith(await Key(http, City, "reader"));
        Assert.Equal(City, (await cityReader.GetJson($"/api/v1/cities/{City}"))["code"].Str());
        Assert.Equal(City, (await cityReader.GetJson($"/api/v1/counties/{County.Code}"))["parent"].Str());
        await cityReader.GetJson($"/api/v1/cities/{City}/resolution-stats");
        await cityReader.GetJson($"/api/v1/grids/{County.Grid}");
        await (await cityReader.GetAsync("/api/v1/cities/3409")).AssertProblem(404);
        await (await cityReader.GetAsync($"/api/v1/provinces/{Province}")).AssertProblem(404);

        var provinceManager = app.ClientWith(await Key(http, Province, "manager"));
        Assert.Equal(HttpStatusCode.OK, (await provinceManager.PutJson("/api/v1/cities/3409", """{"name":"黄山市"}""")).StatusCode);
        await provinceManager.GetJson($"/api/v1/provinces/{Province}/resolution-stats");
        await provinceManager.GetJson($"/api/v1/townships/{County.Township}");

        var otherCity = app.ClientWith(await Key(http, "3409", "manager"));
        await (await otherCity.PutJson($"/api/v1/cities/{City}", """{"name":"改名"}""")).AssertProblem(403);
        Assert.Equal("安庆市", (await http.GetJson($"/api/v1/cities/{City}"))["name"].Str());
    }

    /// <summary>
    /// A province's statistics are one grain's counters, kept current by pushes from below: reading them asks the same
    /// few grains whether the province has three grids or fifty.
    /// </summary>
    [Fact]
    public async Task ProvinceStatistics_AreOneGrainRead_WhateverTheNumberOfGrids()
    {
        var calls = new CallCounter();
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        var http = app.Start();
        await http.PutJson($"/api/v1/provinces/{Province}", """{"name":"安徽省"}""");
        await http.PutJson($"/api/v1/cities/{City}", """{"name":"安庆市"}""");
        await County.Create(http);
        await Report(http, County.Grid);
        await Eventually.Get(() => http.GetJson($"/api/v1/provinces/{Province}/resolution-stats{Day}"),
            s => s["reported"]!.GetValue<long>() == 1, "the first report at the province");
        var small = await CallsOfRead(http, calls, $"/api/v1/provinces/{Province}/resolution-stats{Day}");

        // A second county of 48 grids, each with a report.
        Assert.Equal(HttpStatusCode.Created, (await http.PutJson("/api/v1/counties/340823", """{"name":"潜山市"}""")).StatusCode);
        for (var t = 1; t <= 2; t++)
        {
            await http.PutJson($"/api/v1/townships/34082310{t}", """{"name":"镇"}""");
            for (var v = 1; v <= 4; v++)
            {
                await http.PutJson($"/api/v1/villages/34082310{t}20{v}", """{"name":"村","kind":"village"}""");
                for (var g = 1; g <= 6; g++)
                {
                    var grid = $"34082310{t}20{v}00{g}";
                    Assert.Equal(HttpStatusCode.Created, (await http.PutJson($"/api/v1/grids/{grid}", """{"name":"网格"}""")).StatusCode);
                    await Report(http, grid);
                }
            }
        }
        await Eventually.Get(() => http.GetJson($"/api/v1/provinces/{Province}/resolution-stats{Day}"),
            s => s["reported"]!.GetValue<long>() == 49, "every report at the province", seconds: 30);
        var large = await CallsOfRead(http, calls, $"/api/v1/provinces/{Province}/resolution-stats{Day}");

        Assert.True(small.Count <= 2, $"a province read made {small.Count} grain calls: {string.Join(", ", small)}");
        Assert.Equal(small.Count, large.Count);
    }

    /// <summary>The grain calls one GET makes, the fewest of three reads (a push of the tree may land during one).</summary>
    internal static async Task<IReadOnlyList<string>> CallsOfRead(HttpClient http, CallCounter calls, string url)
    {
        IReadOnlyList<string>? fewest = null;
        for (var i = 0; i < 3; i++)
        {
            calls.Start();
            await http.GetJson(url);
            var made = calls.Stop();
            if (fewest is null || made.Count < fewest.Count)
            {
                fewest = made;
            }
        }
        return fewest!;
    }

    private static async Task<string> Key(HttpClient admin, string jurisdiction, string role)
    {
        var response = await admin.PostJson("/api/v1/keys", $$"""{"app":"province-test","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }
}

/// <summary>Records the grain calls (interface.method key) the silo receives between <see cref="Start"/> and <see cref="Stop"/>.</summary>
public sealed class CallCounter : IIncomingGrainCallFilter
{
    private ConcurrentQueue<string>? _calls;

    public void Start() => _calls = new ConcurrentQueue<string>();

    public IReadOnlyList<string> Stop()
    {
        var calls = _calls?.ToArray() ?? [];
        _calls = null;
        return calls;
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _calls?.Enqueue($"{context.InterfaceName}.{context.MethodName} {context.TargetId}");
        return context.Invoke();
    }
}
