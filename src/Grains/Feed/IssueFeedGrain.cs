using GridActors.Grains.Issues.Events;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace GridActors.Grains.Feed;

/// <summary>
/// A county's live feed (动态): the latest issue events of the county, read by the console and by apps that wait for
/// what comes next instead of polling queues. It listens to the county's issue-event stream and keeps the newest
/// <see cref="Capacity"/> events in memory only: the feed shows what is happening now, the issue's history and the
/// queues are the record, so a silo restart starting the feed empty loses nothing anyone must keep.
/// </summary>
[Alias("GridActors.IIssueFeedGrain")]
public interface IIssueFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// The events after <paramref name="after"/> (a cursor of an earlier page; null: the newest ones) whose issue is
    /// reported under <paramref name="unit"/> or held by it, oldest first; waits up to <paramref name="wait"/> for one
    /// when there is none yet.
    /// </summary>
    [Alias("Read")]
    Task<FeedPage> Read(string unit, string? after, int limit, TimeSpan wait);
}

[GenerateSerializer, Immutable, Alias("GridActors.FeedPage")]
public sealed record FeedPage([property: Id(0)] IReadOnlyList<IssueEvent> Events, [property: Id(1)] string Cursor);

[ImplicitStreamSubscription(IssueEvents.Namespace)]
[Reentrant]
internal sealed partial class IssueFeedGrain(ILogger<IssueFeedGrain> logger)
    : Grain, IIssueFeedGrain, IAsyncObserver<IssueEvent>, IStreamSubscriptionObserver
{
    internal const int Capacity = 2_000;

    // A cursor is "epoch.sequence": a new activation starts a new epoch, so a cursor of an earlier one reads from the start.
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..8];
    private readonly LinkedList<(long Sequence, IssueEvent Event)> _events = new();
    // The newest version seen per issue: a redelivered or late event is dropped (delivery is at least once).
    private readonly Dictionary<Guid, long> _versions = [];
    private long _sequence;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<IssueEvent>().ResumeAsync(this);

    public Task OnNextAsync(IssueEvent item, StreamSequenceToken? token = null)
    {
        if (_versions.TryGetValue(item.IssueId, out var seen) && seen >= item.Version)
        {
            return Task.CompletedTask;
        }
        _versions[item.IssueId] = item.Version;
        _events.AddLast((++_sequence, item));
        while (_events.Count > Capacity)
        {
            var dropped = _events.First!.Value.Event;
            _events.RemoveFirst();
            if (_versions.TryGetValue(dropped.IssueId, out var version) && version == dropped.Version)
            {
                _versions.Remove(dropped.IssueId);
            }
        }
        var arrived = _arrived;
        _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        arrived.SetResult();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<FeedPage> Read(string unit, string? after, int limit, TimeSpan wait)
    {
        var from = Start(after);
        var page = Page(unit, from, limit);
        if (page.Count == 0 && wait > TimeSpan.Zero)
        {
            // Real time, not the domain clock: this is how long a caller's request stays open.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (page.Count == 0 && waited.Elapsed < wait)
            {
                try
                {
                    await _arrived.Task.WaitAsync(wait - waited.Elapsed);
                }
                catch (TimeoutException)
                {
                    break;
                }
                page = Page(unit, from, limit);
            }
        }
        // An empty page has looked at everything up to now: the next read starts after it.
        var last = page.Count > 0 ? page[^1].Sequence : _sequence;
        return new FeedPage(page.Select(e => e.Event).ToArray(), $"{_epoch}.{last}");
    }

    /// <summary>The sequence to read after: the cursor's, or, for no cursor or one of another epoch, the newest page.</summary>
    private long Start(string? after)
    {
        if (after is not null && after.Split('.') is [var epoch, var number] && epoch == _epoch && long.TryParse(number, out var sequence))
        {
            return sequence;
        }
        // No cursor: the newest events (up to a page) are the first answer, so a page that opens sees what just happened.
        return after is null ? Math.Max(0, _sequence - 50) : 0;
    }

    private List<(long Sequence, IssueEvent Event)> Page(string unit, long after, int limit) =>
        _events.Where(e => e.Sequence > after && Concerns(e.Event, unit)).Take(limit).ToList();

    /// <summary>An event concerns a unit when the issue was reported under it, or the unit holds it now or held it before.</summary>
    private static bool Concerns(IssueEvent e, string unit) =>
        e.Grid.StartsWith(unit, StringComparison.Ordinal) || e.Unit == unit || e.FromUnit == unit;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issue feed of county {County}: the event stream failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string county);
}
