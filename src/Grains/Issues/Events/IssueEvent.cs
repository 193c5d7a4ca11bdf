using GridActors.Grains.Access;
using GridActors.Grains.Units;

namespace GridActors.Grains.Issues.Events;

/// <summary>
/// What happened to an issue, as the issue wing tells everyone who listens: the console's live feed, notifications,
/// webhooks. One event per stored change, appended to the durable stream <see cref="IssueEvents"/> in the same
/// transaction as the change (docs/event-path.md), so an acknowledged change always has its event and an event always
/// has its change. Delivery is at least once: a listener keeps the highest <see cref="Version"/> it has applied per
/// issue and ignores anything not newer.
/// </summary>
/// <param name="Unit">The unit holding the issue after the change.</param>
/// <param name="FromUnit">The unit it left (escalated, handed down), else null.</param>
/// <param name="Reason">Why it escalated (escalated; reported when a category starts above the grid).</param>
/// <param name="Member">The member assigned (assigned).</param>
/// <param name="Satisfaction">The reporter's satisfaction, 1-5 (closed).</param>
/// <param name="DuplicateOf">The original (markedDuplicate).</param>
/// <param name="Deadline">The deadline at <see cref="Unit"/> while the issue is open there.</param>
/// <param name="TraceParent">W3C trace context of the change, so a listener's span joins the request's trace.</param>
[GenerateSerializer, Immutable, Alias("GridActors.IssueEvent")]
public sealed record IssueEvent(
    [property: Id(0)] Guid IssueId,
    [property: Id(1)] long Version,
    [property: Id(2)] IssueEventKind Kind,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string County,
    [property: Id(5)] string Grid,
    [property: Id(6)] string Unit,
    [property: Id(7)] UnitLevel Level,
    [property: Id(8)] string? FromUnit,
    [property: Id(9)] string Category,
    [property: Id(10)] string Title,
    [property: Id(11)] IssueStatus Status,
    [property: Id(12)] Actor? Actor,
    [property: Id(13)] EscalationReason? Reason = null,
    [property: Id(14)] string? Member = null,
    [property: Id(15)] int? Satisfaction = null,
    [property: Id(16)] Guid? DuplicateOf = null,
    [property: Id(17)] DateTimeOffset? Deadline = null,
    [property: Id(18)] string? TraceParent = null,
    [property: Id(19)] string? TraceState = null);

/// <summary>The kinds of <see cref="IssueEvent"/>; ids never renumbered.</summary>
public enum IssueEventKind
{
    Reported = 0,
    Accepted = 1,
    Assigned = 2,
    Escalated = 3,
    HandedDown = 4,
    Resolved = 5,
    Closed = 6,
    Reopened = 7,
    Rejected = 8,
    MarkedDuplicate = 9,
    Overdue = 10,
}

/// <summary>
/// The stream of issue events: one stream per county (key: its division code), so the events of one issue arrive in
/// the order they were stored, and one listener per county sees all of them.
/// </summary>
public static class IssueEvents
{
    public const string Namespace = "issue-events";

    public static Orleans.Runtime.StreamId For(string county) => Orleans.Runtime.StreamId.Create(Namespace, county);

    /// <summary>Gives each event the trace context of the span storing it (the listener's span continues that trace).</summary>
    internal static void Trace(List<IssueEvent> events, System.Diagnostics.Activity? span)
    {
        if (span is null)
        {
            return;
        }
        for (var i = 0; i < events.Count; i++)
        {
            events[i] = events[i] with { TraceParent = span.Id, TraceState = span.TraceStateString };
        }
    }
}
