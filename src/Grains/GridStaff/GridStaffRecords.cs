using GridActors.Grains.Access;

namespace GridActors.Grains.GridStaff;

/// <summary>网格员: full-time (专职) or part-time (兼职).</summary>
public enum WorkerKind
{
    /// <summary>专职网格员.</summary>
    FullTime,
    /// <summary>兼职网格员.</summary>
    PartTime,
}

/// <summary>A cadre (村干部) of the grid's village, named in one term (换届) of its two committees.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.CadreLink")]
public sealed record CadreLink(int Term, string Name);

/// <summary>
/// A person of the grid: its leader (网格长) or one of its workers (网格员). A person links to a Party member, to a cadre of
/// the village's term, to both, or stands alone (name and phone). The name is a copy taken when the person was assigned;
/// the roles they also hold are read from the records that own them whenever the person is read, never stored here.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.GridPerson")]
public sealed record GridPerson(
    Guid Id,
    string Grid,
    string Name,
    string? Phone,
    Guid? MemberId,
    CadreLink? Cadre,
    WorkerKind? Kind,
    string? Note,
    DateTimeOffset Since,
    string? Fingerprint,
    Actor? Actor);

/// <summary>A role the person also holds, as the record that owns it says (a Party group, a village's term).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.HeldRole")]
public sealed record HeldRole(string Role, string Unit, string Source);

/// <summary>A grid person with the roles read from the Party group and the village's term.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.GridPersonView")]
public sealed record GridPersonView(GridPerson Person, IReadOnlyList<HeldRole> AlsoHolds);

/// <summary>A worker who left the grid: kept so the visits they recorded still name them.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.FormerWorker")]
public sealed record FormerWorker(GridPerson Person, DateTimeOffset RemovedAt, string? Reason, Actor? Actor);

/// <summary>One finding (发现的问题) of a survey visit; <see cref="IssueId"/> once it was reported as an issue.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.SurveyFinding")]
public sealed record SurveyFinding(int Number, string Text, Guid? IssueId, DateTimeOffset? ReportedAt = null, Actor? ReportedActor = null);

/// <summary>
/// 摸排: a grid worker's visit to a household of the grid or to a place (a shop, a bridge, a pond), with what was found.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.SurveyVisit")]
public sealed record SurveyVisit(
    Guid Id,
    string Grid,
    Guid WorkerId,
    string WorkerName,
    DateOnly Date,
    Guid? HouseholdId,
    string? Place,
    string? Note,
    IReadOnlyList<SurveyFinding> Findings,
    DateTimeOffset RecordedAt,
    string? Fingerprint,
    Actor? Actor);

/// <summary>How far the grid's survey reaches: households visited in a month and households never visited.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.SurveyCoverage")]
public sealed record SurveyCoverage(
    string Grid,
    string Month,
    int Households,
    int VisitedInMonth,
    int NotVisitedInMonth,
    int NeverVisited,
    int VisitsInMonth,
    int PlaceVisitsInMonth,
    int FindingsInMonth,
    int FindingsReported,
    IReadOnlyList<Guid> NeverVisitedHouseholds);
