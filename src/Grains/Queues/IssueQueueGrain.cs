using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using System.Diagnostics;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Telemetry;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace GridActors.Grains.Queues;

/// <summary>
/// One shard of a unit's queue: the issues whose id falls in it. The queue's head row (state name <c>issue-queue</c>)
/// keeps the wake-up time; queues written before sharding kept every entry there and are moved into the shards when they
/// next activate.
/// </summary>
[GenerateSerializer, Alias("GridActors.IssueQueueState")]
public sealed class IssueQueueState
{
    [Id(0)] public Dictionary<Guid, QueueEntry> Entries { get; set; } = [];
    /// <summary>Latest version seen per issue, kept after it leaves, so a late notice cannot bring it back.</summary>
    [Id(1)] public Dictionary<Guid, long> Versions { get; set; } = [];
    /// <summary>Issues told their deadline passed: the deadline told and when, so each is told once (retried if lost).</summary>
    [Id(2)] public Dictionary<Guid, DeadlineTold> Told { get; set; } = [];
    [Id(3)] public DateTimeOffset? WakeUpAt { get; set; }
}

[GenerateSerializer, Immutable, Alias("GridActors.DeadlineTold")]
public sealed record DeadlineTold(DateTimeOffset Deadline, DateTimeOffset At);

[ImplicitStreamSubscription(StreamNames.Escalations)]
internal sealed partial class IssueQueueGrain : Grain, IIssueQueueGrain, IAsyncObserver<QueueNotice>, IStreamSubscriptionObserver
{
    /// <summary>
    /// A queue is stored as 16 rows by issue id, so a change rewrites the sixteenth of the queue that holds the issue,
    /// not all of it: a county's or a township's queue gathers every escalation of the year, and writing it whole made
    /// each report cost more the longer the queue (BENCHMARKS.md). Changing the number needs a move of the rows.
    /// </summary>
    internal const int Shards = 16;

    // A deadline call to an issue is one-way; if it has not moved the issue after this long, it is told again.
    private static readonly TimeSpan RetellAfter = TimeSpan.FromMinutes(5);

    private readonly IPersistentState<IssueQueueState> state;
    private readonly IPersistentState<IssueQueueState>[] shards;
    private readonly GridClock clock;
    private readonly ILogger<IssueQueueGrain> logger;

    public IssueQueueGrain(
        [PersistentState("issue-queue", StorageNames.Grains)] IPersistentState<IssueQueueState> state,
        IPersistentStateFactory states,
        IGrainContextAccessor context,
        GridClock clock,
        ILogger<IssueQueueGrain> logger)
    {
        this.state = state;
        this.clock = clock;
        this.logger = logger;
        shards = Enumerable.Range(0, Shards)
            .Select(i => states.Create<IssueQueueState>(context.GrainContext, new ShardConfiguration($"issue-queue-{i}")))
            .ToArray();
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = state.State;
        if (head.Entries.Count == 0 && head.Versions.Count == 0 && head.Told.Count == 0)
        {
            return;
        }
        // Written before the queue was sharded: move the entries into their shards, then empty the head. If this stops
        // half-way, the next activation moves the same entries again.
        foreach (var (id, version) in head.Versions)
        {
            ShardOf(id).State.Versions[id] = version;
        }
        foreach (var (id, entry) in head.Entries)
        {
            ShardOf(id).State.Entries[id] = entry;
        }
        foreach (var (id, told) in head.Told)
        {
            ShardOf(id).State.Told[id] = told;
        }
        await Task.WhenAll(shards.Select(s => s.WriteStateAsync()));
        head.Entries.Clear();
        head.Versions.Clear();
        head.Told.Clear();
        await state.WriteStateAsync();
    }

    private IEnumerable<QueueEntry> AllEntries => shards.SelectMany(s => s.State.Entries.Values);

    private IPersistentState<IssueQueueState> ShardOf(Guid issueId)
    {
        Span<byte> bytes = stackalloc byte[16];
        issueId.TryWriteBytes(bytes);
        return shards[bytes[15] % Shards]; // the last byte is random in every id the service makes (v7 and hashed v8)
    }

    private sealed record ShardConfiguration(string StateName) : IPersistentStateConfiguration
    {
        public string StorageName => StorageNames.Grains;
    }

    private string Unit => this.GetPrimaryKeyString();

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<QueueNotice>().ResumeAsync(this);

    /// <summary>An escalation event from a child unit: take the issue into the queue, then confirm to the issue.</summary>
    public async Task OnNextAsync(QueueNotice notice, StreamSequenceToken? token = null)
    {
        // Trace context does not travel reliably through stream delivery, so the event carries it: this span's
        // parent is the publishing span at the sending level, and it covers the write to this queue.
        ActivityContext.TryParse(notice.TraceParent, notice.TraceState, out var parent);
        using (var span = GridTelemetry.Source.StartActivity($"escalation receive {UnitCode.Parse(Unit).Level.Name()}", ActivityKind.Consumer, parent))
        {
            span?.SetTag(GridTelemetry.IssueId, notice.IssueId.ToString());
            span?.SetTag(GridTelemetry.Unit, Unit);
            span?.SetTag(GridTelemetry.Level, UnitCode.Parse(Unit).Level.Name());
            span?.SetTag(GridTelemetry.FromUnit, notice.FromUnit);
            span?.SetTag(GridTelemetry.ToUnit, notice.Unit);
            span?.SetTag(GridTelemetry.Reason, notice.Reason?.Tag());
            span?.SetTag(GridTelemetry.Category, notice.Entry?.Category);
            await Apply(notice);
        }
        // One-way: the issue drops the notice from its outbox; if this is lost, the issue re-sends and we ignore the copy.
        GrainFactory.GetGrain<IIssueGrain>(notice.IssueId).ConfirmNotice(notice.Id).Ignore();
    }

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, Unit);
        return Task.CompletedTask;
    }

    public async Task Apply(QueueNotice notice)
    {
        var shard = ShardOf(notice.IssueId);
        var s = shard.State;
        if (s.Versions.TryGetValue(notice.IssueId, out var known) && known >= notice.Version)
        {
            return;
        }
        s.Versions[notice.IssueId] = notice.Version;
        if (notice.Entry is { } entry)
        {
            s.Entries[notice.IssueId] = entry;
        }
        else
        {
            s.Entries.Remove(notice.IssueId);
            s.Told.Remove(notice.IssueId);
        }
        var wakeUp = state.State.WakeUpAt;
        await EnsureWakeUp(notice.Entry?.Deadline);
        await (state.State.WakeUpAt == wakeUp ? shard.WriteStateAsync() : Task.WhenAll(shard.WriteStateAsync(), state.WriteStateAsync()));
    }

    public Task<QueuePage> List(QueueQuery query)
    {
        var now = clock.GetUtcNow();
        IEnumerable<QueueEntry> items = AllEntries;
        items = query.Filter switch
        {
            QueueFilter.Open => items.Where(e => e.Status.IsOpen()),
            QueueFilter.Done => items.Where(e => !e.Status.IsOpen()),
            _ => items,
        };
        if (query.Status is { } status)
        {
            items = items.Where(e => e.Status == status);
        }
        if (query.Overdue is { } overdue)
        {
            items = items.Where(e => (e.Deadline is { } d && d < now) == overdue);
        }
        var ordered = items.OrderBy(e => e.ArrivedAt).ThenBy(e => e.IssueId).ToList();
        var total = ordered.Count;
        if (query.Cursor is { } cursor && QueueCursor.TryRead(cursor, out var afterAt, out var afterId))
        {
            ordered = ordered.Where(e => e.ArrivedAt > afterAt || (e.ArrivedAt == afterAt && e.IssueId.CompareTo(afterId) > 0)).ToList();
        }
        var page = ordered.Take(query.Limit).ToArray();
        var next = ordered.Count > query.Limit ? QueueCursor.Write(page[^1]) : null;
        return Task.FromResult(new QueuePage(page, next, total));
    }

    /// <summary>
    /// Called by the scheduler at (or just after) the earliest deadline: tell each issue whose deadline passed.
    /// The calls are one-way so that the issue, which escalates and then notifies this queue, never waits on us.
    /// </summary>
    public async Task WakeUp()
    {
        var now = clock.GetUtcNow();
        state.State.WakeUpAt = null;
        var atTop = UnitCode.Parse(Unit).Parent is null;
        var changed = new HashSet<IPersistentState<IssueQueueState>> { state };
        foreach (var entry in AllEntries)
        {
            if (!entry.Status.IsOpen() || entry.Deadline is not { } deadline || deadline > now)
            {
                continue;
            }
            var shard = ShardOf(entry.IssueId);
            var told = shard.State.Told.GetValueOrDefault(entry.IssueId);
            if (told is not null && told.Deadline == deadline && (atTop || now - told.At < RetellAfter))
            {
                continue;
            }
            shard.State.Told[entry.IssueId] = new DeadlineTold(deadline, now);
            changed.Add(shard);
            GrainFactory.GetGrain<IIssueGrain>(entry.IssueId).DeadlinePassed(Unit).Ignore();
        }
        await EnsureWakeUp(null);
        await Task.WhenAll(changed.Select(c => c.WriteStateAsync()));
    }

    /// <summary>Keeps one wake-up registered at the earliest time something here needs attention.</summary>
    private async Task EnsureWakeUp(DateTimeOffset? candidate)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? next = candidate;
        if (candidate is null)
        {
            var atTop = UnitCode.Parse(Unit).Parent is null;
            foreach (var entry in AllEntries)
            {
                if (!entry.Status.IsOpen() || entry.Deadline is not { } deadline)
                {
                    continue;
                }
                var told = ShardOf(entry.IssueId).State.Told.GetValueOrDefault(entry.IssueId);
                var due = deadline;
                if (told is not null && told.Deadline == deadline)
                {
                    if (atTop)
                    {
                        continue;
                    }
                    due = told.At + RetellAfter;
                }
                if (next is null || due < next)
                {
                    next = due;
                }
            }
        }
        if (next is not { } at)
        {
            return;
        }
        if (state.State.WakeUpAt is { } scheduled && scheduled > now && WakeUps.Minute(scheduled) <= WakeUps.Minute(at))
        {
            return;
        }
        await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.IssueQueue, Unit), at);
        state.State.WakeUpAt = at;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation stream of unit {Unit} failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string unit);
}
