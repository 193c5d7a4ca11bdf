using GridActors.Grains.Issues;
using GridActors.Grains.Scheduling;

namespace GridActors.Grains.Queues;

/// <summary>
/// The queue of issues a unit (grid, village, township, county) holds, keyed by the unit's code. It also
/// watches their deadlines: one wake-up at its earliest deadline, never one timer per issue.
/// </summary>
[Alias("GridActors.IIssueQueueGrain")]
public interface IIssueQueueGrain : IWakeUpTarget, IGrainWithStringKey
{
    /// <summary>Applies a notice from an issue; idempotent (an older or equal version changes nothing).</summary>
    [Alias("Apply")]
    Task Apply(QueueNotice notice);

    [Alias("List")]
    Task<QueuePage> List(QueueQuery query);

    /// <summary>How many issues the unit holds open now, and how many of them are past their deadline (a map's colours).</summary>
    [Alias("Held")]
    Task<HeldCounts> Held();
}

[GenerateSerializer, Immutable, Alias("GridActors.HeldCounts")]
public sealed record HeldCounts([property: Id(0)] int Open, [property: Id(1)] int Overdue);

public enum QueueFilter
{
    All,
    Open,
    Done,
}

[GenerateSerializer, Immutable, Alias("GridActors.QueueQuery")]
public sealed record QueueQuery(QueueFilter Filter, IssueStatus? Status, bool? Overdue, string? Cursor, int Limit);

[GenerateSerializer, Immutable, Alias("GridActors.QueuePage")]
public sealed record QueuePage(IReadOnlyList<QueueEntry> Items, string? NextCursor, int Total);
