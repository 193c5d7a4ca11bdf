using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stars;

namespace GridActors.Grains.Commitments;

/// <summary>
/// 承诺书: one owner's (a Party group's or a member's) commitments for one year, keyed by <see cref="CommitmentKeys"/>.
/// The only writer of its items, progress, evaluations and decisions. It reads issues, groups, members, households and
/// tasks to check linked evidence; none of them calls it.
/// </summary>
[Alias("GridActors.ICommitmentGrain")]
public interface ICommitmentGrain : IGrainWithStringKey
{
    /// <summary>定诺: creates or replaces the items while drafted; 409 once published.</summary>
    [Alias("Draft")]
    Task<PartyResult<CommitmentView>> Draft(string ownerName, string grid, IReadOnlyList<CommitmentItem> items, string? by, Actor? actor = null);

    /// <summary>亮诺: publishes the commitments; from then on they are public and no longer editable.</summary>
    [Alias("Publish")]
    Task<PartyResult<CommitmentView>> Publish(string? by, Actor? actor = null);

    /// <summary>践诺: records progress on an item with evidence; every link is checked against its record.</summary>
    [Alias("RecordProgress")]
    Task<PartyResult<CommitmentView>> RecordProgress(NewProgress progress);

    /// <summary>评诺: records scores per item from members and residents' representatives.</summary>
    [Alias("Evaluate")]
    Task<PartyResult<CommitmentView>> Evaluate(IReadOnlyList<EvaluationScore> scores, Actor? actor = null);

    /// <summary>Records a reward or penalty decided after the evaluation.</summary>
    [Alias("Decide")]
    Task<PartyResult<CommitmentView>> Decide(CommitmentDecision decision);

    [Alias("Get")]
    Task<CommitmentView?> Get();
}

public static class CommitmentGrainFactoryExtensions
{
    public static ICommitmentGrain GetCommitments(this IGrainFactory grains, StarSubjectKind kind, string id, int year) =>
        grains.GetGrain<ICommitmentGrain>(CommitmentKeys.Of(kind, id, year));
}
