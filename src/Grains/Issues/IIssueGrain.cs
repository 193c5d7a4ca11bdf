using Orleans.Concurrency;
using GridActors.Grains.Scheduling;

namespace GridActors.Grains.Issues;

/// <summary>
/// One issue (民情/事件), keyed by its id. The only writer of the issue: every transition is checked here,
/// written with its history entry and its outgoing notices in one storage write, then announced.
/// </summary>
[Alias("GridActors.IIssueGrain")]
public interface IIssueGrain : IWakeUpTarget, IGrainWithGuidKey
{
    /// <summary>Creates the issue; a second call with the same fingerprint returns the first result (Idempotency-Key).</summary>
    [Alias("Report")]
    Task<IssueOutcome> Report(NewIssue issue);

    [Alias("Act")]
    Task<IssueOutcome> Act(IssueCommand command);

    [Alias("Get")]
    Task<IssueView?> Get();

    /// <summary>From the holder's queue: the deadline at <paramref name="unit"/> has passed.</summary>
    [Alias("DeadlinePassed"), OneWay]
    Task DeadlinePassed(string unit);

    /// <summary>From a receiving queue: the escalation notice arrived and is written.</summary>
    [Alias("ConfirmNotice"), OneWay]
    Task ConfirmNotice(Guid noticeId);
}
