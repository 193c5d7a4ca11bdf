namespace GridActors.Grains.GridStaff;

/// <summary>The people of one grid (its leader and workers) and their survey visits. A grid has a handful of workers.</summary>
[GenerateSerializer, Alias("GridActors.GridStaffState")]
public sealed class GridStaffState
{
    [Id(0)] public GridPerson? Leader { get; set; }
    [Id(1)] public Dictionary<Guid, GridPerson> Workers { get; set; } = [];
    [Id(2)] public Dictionary<Guid, FormerWorker> FormerWorkers { get; set; } = [];
    [Id(3)] public Dictionary<Guid, SurveyVisit> Visits { get; set; } = [];
    /// <summary>Leaders replaced, newest last, so who led the grid when is kept.</summary>
    [Id(4)] public List<GridPerson> FormerLeaders { get; set; } = [];
}
