using GridActors.Grains.Access;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Members;

/// <summary>服务意愿: the services a member offers and the hours a month it can give.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.Willingness")]
public sealed record Willingness(IReadOnlyList<string> ServicesOffered, int HoursPerMonth);

/// <summary>
/// 党员信息卡: basic status (基本状况), development capability (发展能力), technical skills (技术特长: tags of the
/// shared vocabulary or free tags) and willingness to serve (服务意愿). Pairing reads it.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberCard")]
public sealed record MemberCard(string? BasicStatus, string? DevelopmentCapability, IReadOnlyList<string> TechnicalSkills, Willingness Willingness)
{
    public static MemberCard Empty { get; } = new(null, null, [], new Willingness([], 0));
}

/// <summary>What a caller sets on a member (党员). The phone is personal data.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberDetails")]
public sealed record MemberDetails(
    string Name,
    Gender Gender,
    DateOnly BirthDate,
    DateOnly JoinedPartyOn,
    Education Education,
    string Phone,
    string Grid,
    MemberStatus Status,
    bool HoldsOffice,
    MemberCard Card);

/// <summary>A post held (认岗领责): how it was recommended, when, and when and why it was given up.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PostAssignment")]
public sealed record PostAssignment(
    Post Post,
    Recommendation Recommendation,
    DateOnly RecommendedOn,
    string? Note,
    string Grid,
    DateTimeOffset ClaimedAt,
    string? ClaimedBy,
    DateTimeOffset? ReleasedAt = null,
    string? ReleaseReason = null,
    Actor? Actor = null,
    Actor? ReleasedActor = null);

/// <summary>A move from one grid to another (组织关系转接 within the county's grids), with the post it gave up.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberTransfer")]
public sealed record MemberTransfer(string FromGrid, string ToGrid, DateOnly On, string Reason, DateTimeOffset RecordedAt, string? By, Post? ReleasedPost, Actor? Actor = null);

/// <summary>One piece of post work (岗位履职记录); it counts toward the member's star rating.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PostWorkEntry")]
public sealed record PostWorkEntry(
    Guid Id,
    Post Post,
    PostWorkKind Kind,
    DateOnly Date,
    string Summary,
    string Grid,
    Guid? IssueId,
    DateTimeOffset RecordedAt,
    string? By,
    string? Fingerprint,
    Actor? Actor = null);

/// <summary>A request to claim a post.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PostClaim")]
public sealed record PostClaim(Post Post, Recommendation Recommendation, DateOnly RecommendedOn, string? Note, string? By, Actor? Actor = null);

/// <summary>A request to move a member to another grid.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TransferRequest")]
public sealed record TransferRequest(string ToGrid, DateOnly On, string Reason, string? By, Actor? Actor = null);

/// <summary>A member as read back.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberView")]
public sealed record MemberView(
    Guid Id,
    MemberDetails Details,
    PostAssignment? Post,
    IReadOnlyList<PostAssignment> PostHistory,
    IReadOnlyList<MemberTransfer> Transfers,
    int PostWorkThisYear,
    int PostWorkTotal,
    IReadOnlyList<Guid> Pairings,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One member row of an import (批量导入): the details as the sheet has them. The card is kept from the member
/// already registered, and so is <see cref="MemberDetails.HoldsOffice"/> when <see cref="KeepsOffice"/> (the cell was blank).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberImport")]
public sealed record MemberImport(MemberDetails Details, bool KeepsOffice);

/// <summary>
/// What importing a row would do to a member, planned without writing: the change, the roster entry the member
/// would then have (sent to its Party group before the write), and the version the plan was made at.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.MemberImportPlan")]
public sealed record MemberImportPlan(ImportResult Result, RosterEntry? Entry, long Version);
