using GridActors.Grains.Units;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Units;

/// <summary>The unit grains called directly in a running silo, without HTTP in between.</summary>
public sealed class UnitGrainTests(UnitsApiFixture fixture) : IClassFixture<UnitsApiFixture>
{
    private IGrainFactory Grains => fixture.App.Service<IGrainFactory>();

    [Fact]
    public async Task Upsert_UnderAMissingParent_ReportsItAndWritesNothing()
    {
        var grid = Grains.GetUnit(UnitCode.Parse("340822100288001"));
        var outcome = await grid.Upsert(new UnitDetails("孤儿网格"));
        Assert.Equal(UpsertStatus.ParentMissing, outcome.Status);
        Assert.Equal("340822100288", outcome.MissingParent);
        Assert.Null(await grid.Get());
        Assert.False(await grid.IsRegistered());
    }

    [Fact]
    public async Task AttachChildren_ListsSiblingsInOneCall_ThenEachChildWritesItself_AndAMissingParentWritesNothing()
    {
        var orphans = await Grains.GetUnit(UnitCode.Parse("340822100277")).AttachChildren([new ChildUnit("340822100277001", "孤儿网格")]);
        Assert.False(orphans);
        Assert.Null(await Grains.GetUnit(UnitCode.Parse("340822100277")).Get());

        var township = Grains.GetUnit(UnitCode.Parse("340822103"));
        await township.Upsert(new UnitDetails("石牌镇"));
        var children = new[] { new ChildUnit("340822103201", "一村"), new ChildUnit("340822103202", "二村") };
        Assert.True(await township.AttachChildren(children));
        foreach (var child in children)
        {
            var outcome = await Grains.GetUnit(UnitCode.Parse(child.Code)).Upsert(new UnitDetails(child.Name, Kind: "village"));
            Assert.Equal(UpsertStatus.Created, outcome.Status);
        }
        Assert.Equal(children, (await township.Get())!.Children);

        await Assert.ThrowsAsync<ArgumentException>(() => township.AttachChildren([new ChildUnit("340822100201", "别镇的村")]));
        Assert.Equal(children, (await township.Get())!.Children);
    }

    [Fact]
    public async Task Upsert_WithAnOldVersion_IsAMismatch_AndKeepsTheCurrentDetails()
    {
        var township = Grains.GetUnit(UnitCode.Parse("340822102"));
        var created = await township.Upsert(new UnitDetails("江镇"));
        Assert.Equal(UpsertStatus.Created, created.Status);
        await township.Upsert(new UnitDetails("江镇 (新)"), expectedVersion: created.Unit!.Version);
        var stale = await township.Upsert(new UnitDetails("旧名"), expectedVersion: created.Unit.Version);
        Assert.Equal(UpsertStatus.VersionMismatch, stale.Status);
        Assert.Equal("江镇 (新)", (await township.Get())!.Details.Name);
    }

    [Fact]
    public async Task Subtree_OfACounty_ReachesEveryGrid()
    {
        var tree = await Grains.GetCounty(new CountyCode(UnitCode.Parse(County.Code))).GetSubtree();
        var grids = tree!.Children.SelectMany(t => t.Children).SelectMany(v => v.Children).Select(g => g.Code).ToArray();
        Assert.Contains(County.Grid, grids);
        Assert.Contains(County.Grid2, grids);
        Assert.Contains(County.Grid3, grids);
        Assert.All(tree.Children, t => Assert.Equal(UnitLevel.Township, t.Level));
    }
}
