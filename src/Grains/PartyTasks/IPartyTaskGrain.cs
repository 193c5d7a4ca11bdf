using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Scheduling;

namespace GridActors.Grains.PartyTasks;

/// <summary>
/// 交办任务: a task a village branch hands to one or more Party groups, keyed by its id. The only writer of the
/// task, its groups' shares and its members' parts; it tells its village branch what changed and is woken at the
/// end of its due date to flag it overdue.
/// </summary>
[Alias("GridActors.IPartyTaskGrain")]
public interface IPartyTaskGrain : IWakeUpTarget, IGrainWithGuidKey
{
    /// <summary>Creates the task; the same fingerprint again returns the first result (Idempotency-Key).</summary>
    [Alias("Create")]
    Task<PartyResult<PartyTaskView>> Create(NewPartyTask task);

    [Alias("Get")]
    Task<PartyTaskView?> Get();

    /// <summary>
    /// The group leader (<paramref name="by"/>, a member) splits the group's share among its members; parts already done
    /// stay. <paramref name="actor"/> is who sent it, as authenticated.
    /// </summary>
    [Alias("Split")]
    Task<PartyResult<PartyTaskView>> Split(string grid, Guid by, IReadOnlyList<PartAssignment> parts, Actor? actor = null);

    /// <summary>A member reports its part done, with evidence.</summary>
    [Alias("ReportDone")]
    Task<PartyResult<PartyTaskView>> ReportDone(string grid, Guid memberId, string note, IReadOnlyList<Evidence> evidence, Actor? actor = null);
}
