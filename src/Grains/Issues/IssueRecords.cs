using GridActors.Grains.Access;
using GridActors.Grains.Units;

namespace GridActors.Grains.Issues;

[GenerateSerializer, Immutable, Alias("GridActors.IssueLocation")]
public sealed record IssueLocation(double? Lat, double? Long, string? Address);

/// <summary>Who reported the issue. Private: shown only to those handling it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.Reporter")]
public sealed record Reporter(string Name, string Phone);

/// <summary>
/// Evidence metadata (证据): kind, where the file is, its SHA-256 (null when the sender never had the file, as with an
/// Open311 media_url) and a caption. A file uploaded to the service (docs/files.md) also has its id, content type and
/// size (and an image its thumbnail's SHA-256), and its Url is the service's own download link; the SHA-256 is then the
/// one the server computed.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.Attachment")]
public sealed record Attachment(
    AttachmentKind Kind,
    string Url,
    string? Sha256,
    string? Caption,
    Guid? FileId = null,
    string? ContentType = null,
    long? Size = null,
    string? ThumbnailSha256 = null);

/// <summary>A new issue as checked at the edge.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.NewIssue")]
public sealed record NewIssue(
    string Grid,
    string Category,
    string Title,
    string? Description,
    IssueLocation? Location,
    Reporter? Reporter,
    IReadOnlyList<Attachment> Attachments,
    string? Fingerprint, // hash of the request: a retried Idempotency-Key with another body is refused
    string? By,
    string? TraceParent,
    Actor? Actor = null,
    SurveySource? Survey = null);

/// <summary>The survey visit (摸排) finding an issue was reported from: the visit names the issue back.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.SurveySource")]
public sealed record SurveySource(string Grid, Guid VisitId, int Finding);

/// <summary>
/// One transition of an issue's life. The history is append-only: entries are added, never rewritten.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.HistoryEntry")]
public sealed record HistoryEntry(
    int Sequence,
    DateTimeOffset At,
    string? By,
    IssueStatus? From,
    IssueStatus To,
    string Unit,
    UnitLevel Level,
    string? Note,
    EscalationReason? Reason = null,
    string? TraceId = null,
    Actor? Actor = null);

/// <summary>An issue as read back, with its whole history.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.IssueView")]
public sealed record IssueView(
    Guid Id,
    string County,
    string OriginGrid,
    string Category,
    string Title,
    string? Description,
    IssueLocation? Location,
    Reporter? Reporter,
    IReadOnlyList<Attachment> Attachments,
    IssueStatus Status,
    string Holder,
    UnitLevel HolderLevel,
    DateTimeOffset? Deadline,
    bool Overdue,
    string? AssignedMember,
    UnitLevel? ResolutionLevel,
    DateTimeOffset? ResolvedAt,
    int? Satisfaction,
    Guid? DuplicateOf,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<HistoryEntry> History,
    long Version,
    IReadOnlyList<PartyNetwork.PostHolder>? SuggestedPostHolders = null,
    SurveySource? Survey = null,
    IReadOnlyList<ReporterAnswer>? ReporterAnswers = null);

/// <summary>What a caller asks of an issue; the grain checks it against the current state.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.IssueCommand")]
public sealed record IssueCommand(
    IssueAction Action,
    string? By = null,
    string? Note = null,
    string? MemberId = null,
    string? To = null,
    int? Satisfaction = null,
    Guid? Of = null,
    string? TraceParent = null,
    Actor? Actor = null,
    bool? Settled = null,
    int? ForResolution = null);

public enum IssueAction
{
    Accept,
    Assign,
    Resolve,
    Escalate,
    HandDown,
    Close,
    Reopen,
    Reject,
    Duplicate,
    /// <summary>The reporter's own word (群众评价): settled or not, with a satisfaction score.</summary>
    Confirm,
}

public enum IssueOutcomeStatus
{
    Done,
    NotFound,
    /// <summary>The action is not allowed in the issue's current state (409).</summary>
    IllegalTransition,
    /// <summary>The input breaks a rule only the grain can check, e.g. hand-down to a unit that is not a child (400).</summary>
    Invalid,
    /// <summary>An Idempotency-Key was reused with another request body (422).</summary>
    IdempotencyMismatch,
    /// <summary>A confirmation link that was used, or names a resolution that is no longer the issue's (410).</summary>
    Gone,
}

[GenerateSerializer, Immutable, Alias("GridActors.IssueOutcome")]
public sealed record IssueOutcome(IssueOutcomeStatus Status, IssueView? Issue, string? Field = null, string? Message = null, bool Created = false)
{
    public static IssueOutcome Done(IssueView issue, bool created = false) => new(IssueOutcomeStatus.Done, issue, Created: created);
    public static IssueOutcome Illegal(IssueView issue, string message) => new(IssueOutcomeStatus.IllegalTransition, issue, Message: message);
    public static IssueOutcome Invalid(string field, string message) => new(IssueOutcomeStatus.Invalid, null, field, message);
    public static IssueOutcome Gone(IssueView issue, string message) => new(IssueOutcomeStatus.Gone, issue, Message: message);
}
