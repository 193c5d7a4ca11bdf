using GridActors.Grains.Access;
using GridActors.Grains.Members;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.PartyGroups;

/// <summary>Which side an instructor (指导员) comes from: each group has one of each.</summary>
public enum InstructorFrom
{
    /// <summary>乡镇党委: a cadre of the township Party committee.</summary>
    TownshipCommittee,
    /// <summary>村党支部: a cadre of the village branch.</summary>
    VillageBranch,
}

/// <summary>
/// 指导员: a cadre assigned to guide the group; <see cref="Unit"/> is the township's or the village's code. The village
/// branch's instructor may name their record in the village's term (<see cref="Cadre"/>): the group checks it exists and
/// takes the name from it. Township cadres have no records yet, so the township's instructor is the name and phone typed.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.Instructor")]
public sealed record Instructor(string Name, string Phone, string Unit, InstructorFrom From, string? Title, GridStaff.CadreLink? Cadre = null);

/// <summary>活动中心: where the group meets, usually the leader's home.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ActivityCenter")]
public sealed record ActivityCenter(string Address, bool AtLeaderHome, string? Name);

/// <summary>What a caller sets on a Party group (网格党小组): its leader, activity centre and two instructors.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.GroupSetup")]
public sealed record GroupSetup(Guid LeaderId, ActivityCenter ActivityCenter, IReadOnlyList<Instructor> Instructors);

/// <summary>
/// A member as its grid's Party group knows it: a projection the member grain sends before each of its writes.
/// Carries what the group's rules and views need (status, post, card tags, load), never the phone.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.RosterEntry")]
public sealed record RosterEntry(
    Guid MemberId,
    string Name,
    Gender Gender,
    MemberStatus Status,
    bool HoldsOffice,
    Post? Post,
    Recommendation? Recommendation,
    DateTimeOffset? PostSince,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> ServicesOffered,
    int HoursPerMonth,
    int PairingLoad,
    int PostWorkThisYear);

/// <summary>A roster entry sent by an import; <see cref="Joins"/> when the member is new to the grid.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.RosterSync")]
public sealed record RosterSync(RosterEntry Entry, bool Joins);

/// <summary>The group's answer to a roster change: refused when it would break the rule on the group's leader.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.RosterAnswer")]
public sealed record RosterAnswer(bool Accepted, string? Refusal = null)
{
    public static RosterAnswer Yes { get; } = new(true);
}

/// <summary>Kinds of the monthly collective activity (集中活动).</summary>
public enum ActivityKind
{
    /// <summary>政策学习.</summary>
    PolicyStudy,
    /// <summary>联系群众: contacting and assigning members to residents.</summary>
    ContactingResidents,
    /// <summary>志愿服务.</summary>
    Service,
}

/// <summary>One collective activity with its attendance (members of the group) and guests by name.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.GroupActivity")]
public sealed record GroupActivity(
    Guid Id,
    DateOnly Date,
    ActivityKind Kind,
    string Topic,
    IReadOnlyList<Guid> Attendees,
    IReadOnlyList<string> Guests,
    string? Notes,
    DateTimeOffset RecordedAt,
    string? By,
    string? Fingerprint,
    Actor? Actor = null);

/// <summary>One of the eight posts in a group and who holds it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PostCoverage")]
public sealed record PostCoverage(Post Post, bool NeedsPresence, IReadOnlyList<PostHolder> Holders);

/// <summary>A Party group as read back.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyGroupView")]
public sealed record PartyGroupView(
    string Grid,
    Guid LeaderId,
    string LeaderName,
    ActivityCenter ActivityCenter,
    IReadOnlyList<Instructor> Instructors,
    IReadOnlyList<RosterEntry> Members,
    IReadOnlyList<PostCoverage> Posts,
    IReadOnlyList<Post> UncoveredPosts,
    int ActivitiesThisMonth,
    DateOnly? LastActivityOn,
    IReadOnlyList<string> FlaggedMonths,
    long Version,
    DateTimeOffset SetUpAt,
    DateTimeOffset UpdatedAt);

/// <summary>What the village, township and county views need of one grid's group for one month.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.GroupSnapshot")]
public sealed record GroupSnapshot(
    string Grid,
    bool SetUp,
    DateTimeOffset? SetUpAt,
    Guid? LeaderId,
    IReadOnlyList<RosterEntry> Members,
    IReadOnlyList<PostCoverage> Posts,
    IReadOnlyList<GroupActivity> ActivitiesInMonth,
    bool FlaggedInMonth);

/// <summary>The end-of-month verdict on one group.</summary>
public enum MonthCheck
{
    /// <summary>No group, or it was set up after the month.</summary>
    NotDue,
    Held,
    /// <summary>No activity in the month: flagged.</summary>
    Missing,
}
