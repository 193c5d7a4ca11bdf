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

    /// <summary>
    /// Adds stored evidence files (证据文件) to the issue's attachments. NotFound when the issue does not exist; Invalid
    /// (naming attachments) when the issue would hold more than <see cref="IssueInput.MaxAttachments"/>.
    /// </summary>
    [Alias("AttachFiles")]
    Task<IssueOutcome> AttachFiles(IReadOnlyList<Attachment> files);

    /// <summary>Sets the issue's location when it has none (a photo's position the reporter allowed); false when it had one.</summary>
    [Alias("LocateIfUnknown")]
    Task<bool> LocateIfUnknown(IssueLocation location);

    [Alias("Get")]
    Task<IssueView?> Get();

    /// <summary>
    /// The reporter as the issue keeps them (null when none was given or there is no such issue), for a listener of the
    /// issue's events that must reach them (notifications). The activation lets go once this is answered.
    /// </summary>
    [Alias("Reporter")]
    Task<Reporter?> Reporter();

    /// <summary>From the holder's queue: the deadline at <paramref name="unit"/> has passed.</summary>
    [Alias("DeadlinePassed"), OneWay]
    Task DeadlinePassed(string unit);

    /// <summary>From a receiving queue: the escalation notice arrived and is written.</summary>
    [Alias("ConfirmNotice"), OneWay]
    Task ConfirmNotice(Guid noticeId);
}
