using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;

namespace GridActors.Grains.GridStaff;

/// <summary>
/// 网格长 and 网格员 of one grid (keyed by the grid code) and their survey visits (摸排). It reads members, Party groups,
/// village terms and households; none of them calls it, so no call cycle can deadlock.
/// </summary>
[Alias("GridActors.IGridStaffGrain")]
public interface IGridStaffGrain : IGrainWithStringKey
{
    /// <summary>Names the grid's leader (网格长), replacing the one before; the links are checked against their records.</summary>
    [Alias("SetLeader")]
    Task<PartyResult<GridPersonView>> SetLeader(GridPerson person);

    [Alias("Leader")]
    Task<GridPersonView?> Leader();

    [Alias("AddWorker")]
    Task<PartyResult<GridPersonView>> AddWorker(GridPerson person);

    /// <summary>A current worker of the grid (not one who left), or null.</summary>
    [Alias("Worker")]
    Task<GridPerson?> Worker(Guid id);

    [Alias("Workers")]
    Task<IReadOnlyList<GridPersonView>> Workers();

    [Alias("RemoveWorker")]
    Task<PartyResult<FormerWorker>> RemoveWorker(Guid id, string? reason, Actor? actor);

    [Alias("RecordVisit")]
    Task<PartyResult<SurveyVisit>> RecordVisit(SurveyVisit visit);

    [Alias("Visit")]
    Task<SurveyVisit?> Visit(Guid id);

    /// <summary>Visits of a month, or all, newest first.</summary>
    [Alias("Visits")]
    Task<IReadOnlyList<SurveyVisit>> Visits(PartyMonth? month);

    /// <summary>
    /// Checks that finding <paramref name="number"/> of a visit may be reported: the visit's finding, or NotFound/Invalid.
    /// A finding already reported answers with its issue id set, so a retry reaches the same issue.
    /// </summary>
    [Alias("Finding")]
    Task<PartyResult<SurveyFinding>> Finding(Guid visitId, int number);

    /// <summary>Links the finding to the issue it became; the same issue again is a no-op.</summary>
    [Alias("LinkIssue")]
    Task<PartyResult<SurveyVisit>> LinkIssue(Guid visitId, int number, Guid issueId, Actor? actor);

    [Alias("Coverage")]
    Task<SurveyCoverage> Coverage(PartyMonth month);
}

public static class GridStaffGrainFactoryExtensions
{
    public static IGridStaffGrain GetGridStaff(this IGrainFactory grains, GridCode grid) => grains.GetGrain<IGridStaffGrain>(grid.ToString());
}
