using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Units;

/// <summary>A unit tree written before a restart reads back the same after it, on both storage profiles.</summary>
public sealed class UnitsRestartTests
{
    [Fact]
    public async Task Tree_SurvivesARestart_OnSqlite()
    {
        await using var first = GatewayApp.OnSqlite();
        await AssertTreeSurvivesRestart(first);
    }

    [Fact]
    public async Task Tree_SurvivesARestart_OnPostgreSql()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = GatewayApp.OnPostgres(database.ConnectionString);
        await AssertTreeSurvivesRestart(first);
    }

    private static async Task AssertTreeSurvivesRestart(GatewayApp first)
    {
        var http = first.Start();
        await County.Create(http);
        var before = (await http.GetJson($"/api/v1/counties/{County.Code}/tree")).ToJsonString();
        var gridBefore = (await http.GetJson($"/api/v1/grids/{County.Grid}")).ToJsonString();
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal(before, (await again.GetJson($"/api/v1/counties/{County.Code}/tree")).ToJsonString());
        Assert.Equal(gridBefore, (await again.GetJson($"/api/v1/grids/{County.Grid}")).ToJsonString());
        Assert.Equal("董屋网格", (await again.GetJson($"/api/v1/grids/{County.Grid}"))["name"].Str());
        Assert.Contains(County.Grid3, before);
    }
}
