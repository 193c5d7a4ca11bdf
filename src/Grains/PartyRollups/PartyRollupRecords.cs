using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;

namespace GridActors.Grains.PartyRollups;

/// <summary>The Party network under a village, township or county, counted (党小组 / 党员 / 岗位 / 活动).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartySummary")]
public sealed record PartySummary(
    string Unit,
    UnitLevel Level,
    string Month,
    int Grids,
    int GroupsSetUp,
    IReadOnlyList<string> GridsWithoutGroup,
    int Instructors,
    int Members,
    int Resident,
    int Migrant,
    int Elderly,
    int OtherStatus,
    int WithoutOffice,
    int PostHolders,
    int PostSlots,
    int PostsCovered,
    int GroupsWithAllPostsCovered,
    int GroupsWithActivityInMonth,
    int GroupsFlaggedInMonth);

/// <summary>Where a grid's group stands on the monthly activity.</summary>
public enum ComplianceStatus
{
    /// <summary>No Party group is set up in the grid.</summary>
    NotSetUp,
    /// <summary>The group was set up after the month.</summary>
    NotDue,
    Held,
    /// <summary>The month is over with no activity.</summary>
    Missing,
    /// <summary>The month is not over and no activity is recorded yet.</summary>
    Pending,
}

[GenerateSerializer, Immutable, Alias("GridActors.ActivityBrief")]
public sealed record ActivityBrief(Guid Id, DateOnly Date, ActivityKind Kind, string Topic, int Attendance);

/// <summary>One grid's line of the activity-compliance view: who held what in the month.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ComplianceRow")]
public sealed record ComplianceRow(string Grid, string GridName, string Village, ComplianceStatus Status, bool Flagged, IReadOnlyList<ActivityBrief> Activities);

/// <summary>The eight posts in one grid: who holds each, and which are uncovered.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.GridPostCoverage")]
public sealed record GridPostCoverage(string Grid, string GridName, bool GroupSetUp, IReadOnlyList<Post> Uncovered, IReadOnlyList<PostCoverage> Posts);
