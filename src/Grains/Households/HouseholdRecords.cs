using GridActors.Grains.Access;

namespace GridActors.Grains.Households;

/// <summary>
/// What a caller sets on a household (农户) of a grid. Personal data (phone, vulnerability) is private.
/// A household with Party members is a member household; it may carry the "Party member home" plaque
/// (党员之家, 亮身份) and may be a central household (党员中心户) linked to the neighbouring households it serves.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.HouseholdDetails")]
public sealed record HouseholdDetails(
    string Head,
    string Address,
    string? Phone,
    int? Size,
    IReadOnlyList<string> Needs,
    string? NeedsNote,
    bool Vulnerable,
    string? Vulnerability,
    IReadOnlyList<Guid> MemberIds,
    bool PartyMemberHome,
    bool Central,
    IReadOnlyList<Guid> ServedHouseholds);

/// <summary>One household row of an import: the id its natural key (grid, head, address) gives, and the details as the sheet has them.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.HouseholdImport")]
public sealed record HouseholdImport(Guid Id, HouseholdDetails Details);

[GenerateSerializer, Immutable, Alias("GridActors.Household")]
public sealed record Household(Guid Id, string Grid, HouseholdDetails Details, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Fingerprint);

public enum PairingStatus
{
    Active,
    Ended,
}

/// <summary>A visit (走访) logged against a pairing.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PairingVisit")]
public sealed record PairingVisit(Guid Id, DateOnly Date, string Note, DateTimeOffset RecordedAt, string? By, string? Fingerprint, Actor? Actor = null);

/// <summary>联系帮扶: a member accepted to contact and help a household, for the needs named.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.Pairing")]
public sealed record Pairing(
    Guid Id,
    Guid HouseholdId,
    Guid MemberId,
    string MemberName,
    string MemberGrid,
    IReadOnlyList<string> Needs,
    PairingStatus Status,
    DateTimeOffset AcceptedAt,
    string? AcceptedBy,
    string? Fingerprint,
    IReadOnlyList<PairingVisit> Visits,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null,
    Actor? Actor = null,
    Actor? EndedActor = null);

/// <summary>A request to accept a pairing.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PairingRequest")]
public sealed record PairingRequest(Guid PairingId, Guid HouseholdId, Guid MemberId, IReadOnlyList<string>? Needs, string? By, string? Fingerprint, Actor? Actor = null);

[GenerateSerializer, Immutable, Alias("GridActors.HomeMember")]
public sealed record HomeMember(Guid MemberId, string Name);

[GenerateSerializer, Immutable, Alias("GridActors.ServedHousehold")]
public sealed record ServedHousehold(Guid HouseholdId, string Head, string Address);

/// <summary>A member household as the village's list of "Party member homes" (党员之家 / 党员中心户) shows it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyMemberHome")]
public sealed record PartyMemberHome(
    Guid HouseholdId,
    string Grid,
    string Head,
    string Address,
    IReadOnlyList<HomeMember> Members,
    bool Plaque,
    bool Central,
    IReadOnlyList<ServedHousehold> ServedHouseholds);
