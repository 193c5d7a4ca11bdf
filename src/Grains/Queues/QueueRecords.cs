using GridActors.Grains.Issues;

namespace GridActors.Grains.Queues;

/// <summary>An issue as the queue of the unit holding it lists it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.QueueEntry")]
public sealed record QueueEntry(
    Guid IssueId,
    string Category,
    string Title,
    IssueStatus Status,
    string OriginGrid,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? Deadline,
    long Version);

/// <summary>
/// A change an issue tells a unit's queue about: it arrived (by report, escalation or hand-down), it changed,
/// or it left. <see cref="Version"/> is the issue's version when it was sent: a queue applies a notice only
/// when it is newer than what it has, so a notice delivered twice, or late, changes nothing.
/// An arrival by escalation travels on the receiving unit's stream; everything else is a direct call.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.QueueNotice")]
public sealed record QueueNotice(
    Guid Id,
    Guid IssueId,
    string Unit,
    long Version,
    QueueEntry? Entry,
    bool ViaStream,
    string? FromUnit = null,
    EscalationReason? Reason = null,
    string? TraceParent = null,
    string? TraceState = null)
{
    public bool Leaves => Entry is null;
}
