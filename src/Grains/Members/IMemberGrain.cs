using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.Members;

/// <summary>One Party member (党员), keyed by an opaque id (never a national ID number).</summary>
[Alias("GridActors.IMemberGrain")]
public interface IMemberGrain : IGrainWithGuidKey
{
    /// <summary>Creates the member; the same fingerprint again returns the first result (Idempotency-Key).</summary>
    [Alias("Register")]
    Task<PartyResult<MemberView>> Register(MemberDetails details, string? fingerprint);

    /// <summary>Replaces the member's details; the grid changes only by <see cref="Transfer"/>.</summary>
    [Alias("Update")]
    Task<PartyResult<MemberView>> Update(MemberDetails details, long? expectedVersion, Actor? actor = null);

    [Alias("Get")]
    Task<MemberView?> Get();

    /// <summary>
    /// 批量导入, first step: what importing the row would change (created, updated, unchanged or refused with the
    /// rule) and the roster entry the member would then have. Writes nothing. The importer sends the entries of a
    /// grid's members to their group in one call (<see cref="PartyGroups.IPartyGroupGrain.SyncMembers"/>), then
    /// calls <see cref="ApplyImport"/>: the group still learns of an entry before the member writes it.
    /// </summary>
    [Alias("PlanImport")]
    Task<MemberImportPlan> PlanImport(MemberImport import);

    /// <summary>
    /// 批量导入, last step: writes the planned change if the member is still at <paramref name="plannedVersion"/>.
    /// Otherwise (someone wrote the member in between) it writes nothing, gives its group back the entry it really
    /// has, and answers Stale. A failed write gives the group back the entry storage still has.
    /// </summary>
    [Alias("ApplyImport")]
    Task<PartyResult<long>> ApplyImport(MemberImport import, long plannedVersion, Actor? actor = null);

    /// <summary>
    /// Removes the member from its grid; refused while it leads a group or pairs with households. The record stays
    /// as a tombstone, so its id (and Idempotency-Key) cannot bring it back by accident.
    /// </summary>
    [Alias("Remove")]
    Task<PartyResult<MemberView>> Remove(string reason, string? by, Actor? actor = null);

    /// <summary>Moves the member to another grid's Party group and records the transfer; the post held is given up.</summary>
    [Alias("Transfer")]
    Task<PartyResult<MemberView>> Transfer(TransferRequest request);

    /// <summary>认岗: claims one of the eight posts in the member's grid.</summary>
    [Alias("ClaimPost")]
    Task<PartyResult<MemberView>> ClaimPost(PostClaim claim);

    [Alias("ReleasePost")]
    Task<PartyResult<MemberView>> ReleasePost(string? reason, string? by, Actor? actor = null);

    /// <summary>Logs post work; an entry id seen before returns the first entry (Idempotency-Key).</summary>
    [Alias("LogPostWork")]
    Task<PartyResult<PostWorkEntry>> LogPostWork(PostWorkEntry entry);

    /// <summary>Post work of a year (China time), newest first; every year when null.</summary>
    [Alias("ListPostWork")]
    Task<IReadOnlyList<PostWorkEntry>?> ListPostWork(int? year);

    /// <summary>From a grid's households: the member takes a pairing (联系帮扶). Returns the new load.</summary>
    [Alias("TakePairing")]
    Task<PartyResult<int>> TakePairing(Guid pairingId, string householdGrid, int cap);

    /// <summary>The pairing ended (or could not be stored by the household side).</summary>
    [Alias("ReleasePairing")]
    Task ReleasePairing(Guid pairingId);
}

/// <summary>Typed access to the Party network's grains.</summary>
public static class MemberGrainFactoryExtensions
{
    public static IMemberGrain GetMember(this IGrainFactory grains, Guid id) => grains.GetGrain<IMemberGrain>(id);
}
