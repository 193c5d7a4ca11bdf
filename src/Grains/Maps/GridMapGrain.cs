using GridActors.Grains.Queues;
using GridActors.Grains.Units;
using Orleans.Concurrency;

namespace GridActors.Grains.Maps;

/// <summary>
/// The grids under a unit as its map draws them: each grid's name, boundary and what it holds now (open, and overdue
/// among them). One call from the gateway; inside the silo the unit tree is read once and every grid's unit and queue
/// are asked side by side, so a county of 2,000 grids costs one HTTP request and some 4,000 in-process grain calls
/// (tens of milliseconds) rather than 6,000 requests from the page.
/// </summary>
[Alias("GridActors.IGridMapGrain")]
public interface IGridMapGrain : IGrainWithIntegerKey
{
    /// <summary>Null when the unit is not registered.</summary>
    [Alias("Grids")]
    Task<IReadOnlyList<MapGridView>?> Grids(UnitCode unit);
}

/// <param name="BoundaryGeoJson">The grid's stored boundary (GeoJSON, WGS84), null when none was given.</param>
[GenerateSerializer, Immutable, Alias("GridActors.MapGridView")]
public sealed record MapGridView(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string? BoundaryGeoJson,
    [property: Id(3)] int Open,
    [property: Id(4)] int Overdue);

[StatelessWorker]
internal sealed class GridMapGrain : Grain, IGridMapGrain
{
    public async Task<IReadOnlyList<MapGridView>?> Grids(UnitCode unit)
    {
        if (await GrainFactory.GetUnit(unit).GetSubtree() is not { } tree)
        {
            return null;
        }
        var grids = new List<UnitTreeNode>();
        Collect(tree, grids);
        return await Task.WhenAll(grids.Select(Grid));
    }

    private async Task<MapGridView> Grid(UnitTreeNode grid)
    {
        var unit = GrainFactory.GetUnit(UnitCode.Parse(grid.Code)).Get();
        var held = GrainFactory.GetGrain<IIssueQueueGrain>(grid.Code).Held();
        await Task.WhenAll(unit, held);
        return new MapGridView(grid.Code, grid.Name, unit.Result?.Details.BoundaryGeoJson, held.Result.Open, held.Result.Overdue);
    }

    private static void Collect(UnitTreeNode node, List<UnitTreeNode> grids)
    {
        if (node.Level == UnitLevel.Grid)
        {
            grids.Add(node);
            return;
        }
        foreach (var child in node.Children)
        {
            Collect(child, grids);
        }
    }
}
