using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;

namespace GridActors.Grains.PartyGroups;

/// <summary>
/// 网格党小组: the one Party group of a grid, keyed by the grid code. It never calls a member grain back
/// (members call it), so a member awaiting its group cannot deadlock.
/// </summary>
[Alias("GridActors.IPartyGroupGrain")]
public interface IPartyGroupGrain : IGrainWithStringKey
{
    /// <summary>Sets up or updates the group; the leader must be on the roster and present in the village.</summary>
    [Alias("SetUp")]
    Task<PartyResult<PartyGroupView>> SetUp(GroupSetup setup, long? expectedVersion);

    /// <summary>The group, or null when it is not set up.</summary>
    [Alias("Get")]
    Task<PartyGroupView?> Get();

    /// <summary>Members of the grid, set up or not.</summary>
    [Alias("Roster")]
    Task<IReadOnlyList<RosterEntry>> Roster();

    /// <summary>From a member grain, before it writes: its entry as it is about to be.</summary>
    [Alias("SyncMember")]
    Task<RosterAnswer> SyncMember(RosterEntry entry);

    /// <summary>
    /// 批量导入: the roster entries of imported members as they are about to be, with one write, before the members
    /// write themselves (see <see cref="Members.IMemberGrain.PlanImport"/>). Each entry is accepted or refused on its
    /// own, by the rules of <see cref="SyncMember"/>; a member joining needs the grid registered. Answers in order.
    /// </summary>
    [Alias("SyncMembers")]
    Task<IReadOnlyList<RosterAnswer>> SyncMembers(IReadOnlyList<RosterSync> entries);

    /// <summary>From a member grain moving away.</summary>
    [Alias("DetachMember")]
    Task<RosterAnswer> DetachMember(Guid memberId);

    [Alias("RecordActivity")]
    Task<PartyResult<GroupActivity>> RecordActivity(GroupActivity activity);

    /// <summary>Activities of a month, or all, by date.</summary>
    [Alias("Activities")]
    Task<IReadOnlyList<GroupActivity>?> Activities(PartyMonth? month);

    [Alias("Snapshot")]
    Task<GroupSnapshot> Snapshot(PartyMonth month);

    /// <summary>From the township's end-of-month check: did the group hold an activity? Flags the month when not.</summary>
    [Alias("CheckMonth")]
    Task<MonthCheck> CheckMonth(PartyMonth month);

    /// <summary>Members holding <paramref name="post"/>, e.g. to suggest for an accepted issue.</summary>
    [Alias("PostHolders")]
    Task<IReadOnlyList<PostHolder>> PostHolders(Post post);
}

public static class PartyGroupGrainFactoryExtensions
{
    public static IPartyGroupGrain GetPartyGroup(this IGrainFactory grains, GridCode grid) => grains.GetGrain<IPartyGroupGrain>(grid.ToString());

    public static IPartyGroupGrain GetPartyGroup(this IGrainFactory grains, string grid) => grains.GetPartyGroup(GridCode.TryParse(grid, out var code, out var error)
        ? code : throw new ArgumentException(error, nameof(grid)));
}
