using System.Net;
using System.Text.Json.Nodes;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Units;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

/// <summary>
/// The Party summary above the village is kept by pushes from the grids (docs/party-network.md): a city and a province
/// count what changes in their counties, a county's read calls no grid's grain however many grids it has, and the pushed
/// counts equal those counted from the grids (each village's summary is still read from its grids: the oracle).
/// </summary>
public sealed class PartyRollupTests
{
    private const string Month = "?month=2026-03";

    /// <summary>Every count of the summary, as a user reads it.</summary>
    private static readonly string[] Counts =
    [
        "grids", "groupsSetUp", "instructors", "members", "resident", "migrant", "elderly", "otherStatus", "withoutOffice",
        "postHolders", "postSlots", "postsCovered", "groupsWithAllPostsCovered", "groupsWithActivityInMonth", "groupsFlaggedInMonth",
    ];

    [Fact]
    public async Task ProvinceAndCity_CountChangesInTwoCounties()
    {
        var calls = new CallCounter();
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        var http = app.Start();
        await Put(http, "/api/v1/provinces/34", """{"name":"安徽省"}""");
        await Put(http, "/api/v1/cities/3408", """{"name":"安庆市"}""");
        await Put(http, "/api/v1/cities/3401", """{"name":"合肥市"}""");
        var anqing = await Grids(http, "340822", villages: 1, gridsPerVillage: 2);   // under 安庆市
        var hefei = await Grids(http, "340121", villages: 1, gridsPerVillage: 1);    // under 合肥市

        var leader = await CreateMember(http, anqing[0], "皖组长");
        var collector = await CreateMember(http, anqing[0], "皖外出", status: "migrant");
        await SetUpGroup(http, anqing[0], leader);
        await ClaimPost(http, collector, "informationCollector");
        await Created(await http.PostJson($"/api/v1/grids/{anqing[0]}/party-group/activities",
            $$"""{"date":"2026-03-01","kind":"policyStudy","topic":"学习","attendees":["{{leader}}"]}"""));
        var hefeiLeader = await CreateMember(http, hefei[0], "肥组长");
        await CreateMember(http, hefei[0], "肥老党员", status: "elderly");

        var province = await Settled(http, "/api/v1/provinces/34", s => Int(s, "members") == 4 && Int(s, "groupsWithActivityInMonth") == 1);
        Assert.Equal((3, 1, 2, 8, 1, 1, 1), (Int(province, "grids"), Int(province, "groupsSetUp"), Int(province, "instructors"),
            Int(province, "postSlots"), Int(province, "postHolders"), Int(province, "migrant"), Int(province, "elderly")));
        Assert.Equal([hefei[0], anqing[1]], province["gridsWithoutGroup"].Strings());
        Assert.Equal("province", province["level"].Str());
        var city = await Settled(http, "/api/v1/cities/3408", s => Int(s, "members") == 2);
        Assert.Equal((2, 1, 1), (Int(city, "grids"), Int(city, "groupsSetUp"), Int(city, "migrant")));
        Assert.Equal([anqing[1]], city["gridsWithoutGroup"].Strings());

        // Changes in both counties: 合肥's grid sets up its group, 安庆's collector leaves the post.
        await SetUpGroup(http, hefei[0], hefeiLeader);
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync($"/api/v1/members/{collector}/post")).StatusCode);
        province = await Settled(http, "/api/v1/provinces/34", s => Int(s, "groupsSetUp") == 2 && Int(s, "postHolders") == 0);
        Assert.Equal((4, 16, 0), (Int(province, "instructors"), Int(province, "postSlots"), Int(province, "postsCovered")));
        Assert.Equal([anqing[1]], province["gridsWithoutGroup"].Strings());
        city = await Settled(http, "/api/v1/cities/3408", s => Int(s, "postHolders") == 0);
        Assert.Equal((1, 2, 0), (Int(city, "groupsSetUp"), Int(city, "members"), Int(city, "postsCovered")));
        var hefeiCity = await Settled(http, "/api/v1/cities/3401", s => Int(s, "groupsSetUp") == 1);
        Assert.Empty(hefeiCity["gridsWithoutGroup"]!.AsArray());
        var read = await ProvinceUnitsTests.CallsOfRead(http, calls, "/api/v1/provinces/34/party-group");
        Assert.DoesNotContain(read, c => c.Contains("PartyGroup", StringComparison.Ordinal) || c.Contains("IGridGrain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountySummary_CallsNoGridGrain_WhateverTheNumberOfGrids()
    {
        var calls = new CallCounter();
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.AddSingleton<IIncomingGrainCallFilter>(calls));
        var http = app.Start();
        var grids = await Grids(http, "340822", villages: 1, gridsPerVillage: 1);
        await SetUpGroup(http, grids[0], await CreateMember(http, grids[0], "一组长"));
        await Settled(http, "/api/v1/counties/340822", s => Int(s, "groupsSetUp") == 1);
        var small = await ProvinceUnitsTests.CallsOfRead(http, calls, "/api/v1/counties/340822/party-group");
        Assert.True(small.Count <= 3, $"a county's Party summary made {small.Count} grain calls: {string.Join(", ", small)}");

        // 2 townships of 2 villages of 5 grids more, each with a member.
        foreach (var grid in await Grids(http, "340822", villages: 2, gridsPerVillage: 5, townships: 2, firstTownship: 2))
        {
            await CreateMember(http, grid, "党员");
        }
        await Settled(http, "/api/v1/counties/340822", s => Int(s, "grids") == 21 && Int(s, "members") == 21);
        var large = await ProvinceUnitsTests.CallsOfRead(http, calls, "/api/v1/counties/340822/party-group");

        Assert.DoesNotContain(large, c => c.Contains("PartyGroup", StringComparison.Ordinal) || c.Contains("IGridGrain", StringComparison.Ordinal));
        Assert.True(large.Count <= 3, $"a county's Party summary made {large.Count} grain calls: {string.Join(", ", large)}");
    }

    [Fact]
    public async Task CountySummary_EqualsTheCountsOfItsVillagesReadFromTheirGrids()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        var grids = await Grids(http, "340822", villages: 2, gridsPerVillage: 3, townships: 2);
        string[] statuses = ["resident", "migrant", "elderly", "other"];
        string[] posts = ["informationCollector", "policyPromoter"];
        for (var g = 0; g < grids.Count; g++)
        {
            var members = new List<string>();
            for (var m = 0; m <= g % 4; m++)
            {
                members.Add(await CreateMember(http, grids[g], $"党员{g}{m}", status: m == 0 ? "resident" : statuses[(g + m) % 4]));
            }
            if (g % 3 == 2)
            {
                continue; // no group in every third grid
            }
            await SetUpGroup(http, grids[g], members[0]);
            for (var m = 1; m < members.Count; m++)
            {
                // Present members take any post; a migrant only the two that need no presence.
                await ClaimPost(http, members[m], posts[m % 2]);
            }
            if (g % 2 == 0)
            {
                await Created(await http.PostJson($"/api/v1/grids/{grids[g]}/party-group/activities",
                    $$"""{"date":"2026-03-0{{1 + g % 2}}","kind":"service","topic":"志愿服务","attendees":["{{members[0]}}"]}"""));
            }
        }

        var villages = grids.Select(g => g[..12]).Distinct().ToArray();
        var expected = new Dictionary<string, int>();
        var withoutGroup = new List<string>();
        foreach (var village in villages)
        {
            var counted = await http.GetJson($"/api/v1/villages/{village}/party-group{Month}");
            foreach (var name in Counts)
            {
                expected[name] = expected.GetValueOrDefault(name) + Int(counted, name);
            }
            withoutGroup.AddRange(counted["gridsWithoutGroup"].Strings());
        }
        Assert.Equal(grids.Count, expected["grids"]);
        Assert.True(expected["postHolders"] > 0 && expected["groupsWithActivityInMonth"] > 0, $"the seeded county has posts and activities: {string.Join(", ", expected)}");

        var county = await Settled(http, $"/api/v1/counties/340822", s => Counts.All(name => Int(s, name) == expected[name]), Month);
        Assert.Equal(withoutGroup.Order(StringComparer.Ordinal).ToArray(), county["gridsWithoutGroup"].Strings());
    }

    [Fact]
    public async Task GridsAndGroupsStoredBeforeTheCountsWerePushed_AreCountedOnceTheyActivate()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        var grids = await Grids(http, "340822", villages: 1, gridsPerVillage: 2);
        await SetUpGroup(http, grids[0], await CreateMember(http, grids[0], "旧组长"));
        await Settled(http, "/api/v1/counties/340822", s => Int(s, "groupsSetUp") == 1 && Int(s, "grids") == 2);

        // Stored as before the counts were pushed: no figures sent, no grid counted, no Party counts in any statistics.
        var storage = first.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var grains = first.Service<IGrainFactory>();
        foreach (var grid in grids)
        {
            var unit = new GrainState<UnitState>(new UnitState());
            var unitId = grains.GetGrain<IGridGrain>(grid).GetGrainId();
            await storage.ReadStateAsync("grid", unitId, unit);
            unit.State!.GridCounted = false;
            await storage.WriteStateAsync("grid", unitId, unit);
        }
        var group = new GrainState<PartyGroupState>(new PartyGroupState());
        var groupId = grains.GetGrain<IPartyGroupGrain>(grids[0]).GetGrainId();
        await storage.ReadStateAsync("party-group", groupId, group);
        (group.State!.FiguresVersion, group.State.Figures) = (0, null);
        await storage.WriteStateAsync("party-group", groupId, group);
        foreach (var code in grids.Append(grids[0][..12]).Append(grids[0][..9]).Append("340822"))
        {
            var stats = new GrainState<ResolutionStatsState>(new ResolutionStatsState());
            var statsId = grains.GetGrain<IResolutionStatsGrain>(code).GetGrainId();
            await storage.ReadStateAsync("resolution-stats", statsId, stats);
            stats.State!.Party = new PartyCounters();
            stats.State.PendingParty = new PartyCounters();
            (stats.State.UnconfirmedParty, stats.State.Group, stats.State.GridCounted) = (null, null, false);
            (stats.State.ChildrenWithoutGroup, stats.State.PendingWithoutGroup, stats.State.UnconfirmedWithoutGroup) = ([], false, null);
            await storage.WriteStateAsync("resolution-stats", statsId, stats);
        }
        await first.DisposeAsync();

        await using var second = first.Restarted();
        http = second.Start();
        Assert.Equal(0, Int(await http.GetJson($"/api/v1/counties/340822/party-group{Month}"), "grids"));
        // Reading the county's tree activates its grids' units; the township's compliance activates its groups.
        await http.GetJson("/api/v1/counties/340822/tree");
        await http.GetJson($"/api/v1/townships/{grids[0][..9]}/activity-compliance{Month}");
        var county = await Settled(http, "/api/v1/counties/340822", s => Int(s, "grids") == 2 && Int(s, "groupsSetUp") == 1 && Int(s, "members") == 1);
        Assert.Equal([grids[1]], county["gridsWithoutGroup"].Strings());
    }

    private static async Task<JsonNode> Settled(HttpClient http, string unit, Func<JsonNode, bool> done, string query = Month) =>
        await Eventually.Get(() => http.GetJson($"{unit}/party-group{query}"), done, $"the Party summary of {unit}");

    /// <summary>Registers a county with townships, villages and grids, and answers the grids' codes.</summary>
    private static async Task<IReadOnlyList<string>> Grids(HttpClient http, string county, int villages, int gridsPerVillage, int townships = 1, int firstTownship = 1)
    {
        await Put(http, $"/api/v1/counties/{county}", """{"name":"县"}""");
        var grids = new List<string>();
        for (var t = firstTownship; t < firstTownship + townships; t++)
        {
            var township = $"{county}{100 + t}";
            await Put(http, $"/api/v1/townships/{township}", """{"name":"镇"}""");
            for (var v = 1; v <= villages; v++)
            {
                var village = $"{township}{200 + v}";
                await Put(http, $"/api/v1/villages/{village}", """{"name":"村","kind":"village"}""");
                for (var g = 1; g <= gridsPerVillage; g++)
                {
                    var grid = $"{village}{g:D3}";
                    await Put(http, $"/api/v1/grids/{grid}", """{"name":"网格"}""");
                    grids.Add(grid);
                }
            }
        }
        return grids;
    }

    private static async Task Put(HttpClient http, string url, string json)
    {
        var response = await http.PutJson(url, json);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();
}
