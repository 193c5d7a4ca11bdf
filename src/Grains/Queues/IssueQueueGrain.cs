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
/// The head row of a unit's queue (state name <c>issue-queue</c>): the wake-up time. Each issue the queue has seen is a
/// row of its own (<see cref="QueueRow"/>). Queues written before that kept their entries here (before 2026-11-25) or in
/// 16 shard rows <c>issue-queue-0..15</c>, in this shape; they are moved into rows when they next activate.
/// </summary>
[GenerateSerializer, Alias("GridActors.IssueQueueState")]
public sealed class IssueQueueState
{
    [Id(0)] public Dictionary<Guid, QueueEntry> Entries { get; set; } = [];
    [Id(1)] public Dictionary<Guid, long> Versions { get; set; } = [];
    [Id(2)] public Dictionary<Guid, DeadlineTold> Told { get; set; } = [];
    [Id(3)] public DateTimeOffset? WakeUpAt { get; set; }
}

/// <summary>
/// One issue as a unit's queue keeps it (row <c>issue-queue/&lt;issue id&gt;</c>): its entry while the unit holds it,
/// the latest version seen (kept after it leaves, so a late notice cannot bring it back), and the deadline it was told
/// had passed, if any, and when (so each is told once, and again if that call was lost).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.QueueRow")]
public sealed record QueueRow(QueueEntry? Entry, long Version, DeadlineTold? Told);

[GenerateSerializer, Immutable, Alias("GridActors.DeadlineTold")]
public sealed record DeadlineTold(DateTimeOffset Deadline, DateTimeOffset At);

[ImplicitStreamSubscription(StreamNames.Escalations)]
internal sealed partial class IssueQueueGrain(GridClock clock, ILogger<IssueQueueGrain> logger)
    : Grain, IIssueQueueGrain, IAsyncObserver<QueueNotice>, IStreamSubscriptionObserver
{
    /// <summary>
    /// The head row's name; each issue's row is this name, a slash and the issue id. A change to the queue writes the
    /// issue's row (and the head when the wake-up moves), never the rest of the queue: a county's or a township's queue
    /// gathers every escalation of the year, and writing the queue whole, or a sixteenth of it, made each report cost
    /// more the longer the queue (BENCHMARKS.md, docs/storage.md).
    /// </summary>
    internal const string HeadRow = "issue-queue";

    // A deadline call to an issue is one-way; if it has not moved the issue after this long, it is told again.
    private static readonly TimeSpan RetellAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a notice applied in memory may wait to be written with the others (write-behind). It is safe in its
    /// inbox row meanwhile: written by the issue with its change, read back if this activation is lost.
    /// </summary>
    internal static readonly TimeSpan WriteBehind = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, QueueRow> _rows = [];
    private DateTimeOffset? _wakeUpAt;
    private GrainRows _store = null!;

    // What the rows in storage do not hold yet: issues whose row changed, whether the head (wake-up) did, and the inbox
    // rows of notices applied since the last write (deleted by the write that stores their effect).
    private readonly HashSet<Guid> _changed = [];
    private bool _headChanged;
    private readonly HashSet<Guid> _inboxApplied = [];
    private IGrainTimer? _flush;

    internal static string RowName(Guid issueId) => GrainRows.ItemName(HeadRow, issueId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = GrainRows.For(this);
        var (rows, inbox) = await _store.LoadWithInbox<QueueNotice>(HeadRow);
        var legacy = new List<(string Name, IssueQueueState State)>();
        foreach (var (name, payload) in rows)
        {
            if (GrainRows.IsItem(HeadRow, name, out Guid id))
            {
                _rows[id] = _store.Read<QueueRow>(payload);
            }
            else if (name == HeadRow || name.StartsWith(HeadRow + "-", StringComparison.Ordinal))
            {
                var state = _store.Read<IssueQueueState>(payload);
                if (name == HeadRow)
                {
                    _wakeUpAt = state.WakeUpAt;
                }
                if (state.Versions.Count > 0 || state.Entries.Count > 0 || state.Told.Count > 0)
                {
                    legacy.Add((name, state));
                }
            }
        }
        if (legacy.Count > 0)
        {
            await MoveIntoRows(legacy);
        }
        if (inbox.Count > 0)
        {
            // Notices an issue stored for this queue that the previous activation had not written (it was lost, or had not
            // yet written them): applied now, each once, by version.
            foreach (var (_, notice) in inbox.OrderBy(n => n.Value.Version))
            {
                Take(notice);
            }
            var wakeUp = _wakeUpAt;
            await EnsureWakeUp(null);
            _headChanged |= _wakeUpAt != wakeUp;
            await Flush();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await Flush();
        }
        catch (Exception e)
        {
            // Nothing is lost: the notices stay in their inbox rows and the next activation applies them again.
            LogFlushFailed(logger, e, Unit);
        }
    }

    /// <summary>
    /// A queue written whole (in the head) or in 16 shards: its issues become rows, then the old rows are emptied. A row
    /// already written since (a newer version) is kept. If this stops half-way, the next activation moves the rest.
    /// </summary>
    private async Task MoveIntoRows(List<(string Name, IssueQueueState State)> legacy)
    {
        var moved = new List<RowWrite>();
        foreach (var (_, old) in legacy)
        {
            foreach (var (id, version) in old.Versions)
            {
                if (_rows.TryGetValue(id, out var row) && row.Version >= version)
                {
                    continue;
                }
                var entry = old.Entries.GetValueOrDefault(id);
                _rows[id] = new QueueRow(entry, version, entry is null ? null : old.Told.GetValueOrDefault(id));
                moved.Add(_store.Set(RowName(id), _rows[id]));
            }
        }
        await _store.WriteInParts(moved);
        await _store.Write(legacy.Select(l => l.Name == HeadRow
            ? _store.Set(HeadRow, new IssueQueueState { WakeUpAt = _wakeUpAt })
            : _store.Clear(l.Name)).ToList());
    }

    private IEnumerable<QueueEntry> AllEntries => _rows.Values.Where(r => r.Entry is not null).Select(r => r.Entry!);

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
            // A stream notice has no inbox row: it is written before the issue is told it arrived.
            await Flush();
        }
        // One-way: the issue drops the notice from its outbox; if this is lost, the issue re-sends and we ignore the copy.
        GrainFactory.GetGrain<IIssueGrain>(notice.IssueId).ConfirmNotice(notice.Id).Ignore();
    }

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, Unit);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A notice from an issue: applied in memory at once (what <see cref="List"/> answers) and written with the others
    /// within <see cref="WriteBehind"/>. A direct notice is already stored, in this queue's inbox; the wake-up for its
    /// deadline is registered before answering, so a lost activation still wakes up in time.
    /// </summary>
    public async Task Apply(QueueNotice notice)
    {
        var wakeUp = _wakeUpAt;
        if (Take(notice))
        {
            try
            {
                await EnsureWakeUp(notice.Entry?.Deadline);
            }
            catch
            {
                // Applied in memory with no wake-up for its deadline: start again from storage, where the notice waits
                // in the inbox; the issue gets the error and sends it again.
                DeactivateOnIdle();
                throw;
            }
            _headChanged |= _wakeUpAt != wakeUp;
        }
        ScheduleFlush();
    }

    /// <summary>Applies a notice in memory unless a newer one was (by version); answers whether it changed the queue.</summary>
    private bool Take(QueueNotice notice)
    {
        if (!notice.ViaStream)
        {
            _inboxApplied.Add(notice.Id);
        }
        var known = _rows.GetValueOrDefault(notice.IssueId);
        if (known is not null && known.Version >= notice.Version)
        {
            return false;
        }
        _rows[notice.IssueId] = new QueueRow(notice.Entry, notice.Version, notice.Entry is null ? null : known?.Told);
        _changed.Add(notice.IssueId);
        return true;
    }

    private bool Unwritten => _changed.Count > 0 || _headChanged || _inboxApplied.Count > 0;

    private void ScheduleFlush()
    {
        if (_flush is null && Unwritten)
        {
            _flush = this.RegisterGrainTimer(_ =>
            {
                _flush?.Dispose();
                _flush = null;
                return Flush();
            }, new GrainTimerCreationOptions(WriteBehind, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>
    /// Writes the changed rows (and the head if the wake-up moved) and takes the notices they hold out of the inbox, in one
    /// write (rows first when it is large). If the write fails the activation is dropped and the next one applies the
    /// inbox again.
    /// </summary>
    private async Task Flush()
    {
        if (!Unwritten)
        {
            return;
        }
        var rows = _changed.Select(id => _store.Set(RowName(id), _rows[id])).ToList();
        if (_headChanged)
        {
            rows.Add(_store.Set(HeadRow, new IssueQueueState { WakeUpAt = _wakeUpAt }));
        }
        try
        {
            await _store.WriteTaking(rows, _inboxApplied, rowsTogether: false);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        _changed.Clear();
        _headChanged = false;
        _inboxApplied.Clear();
    }

    public Task<HeldCounts> Held()
    {
        var now = clock.GetUtcNow();
        int open = 0, overdue = 0;
        foreach (var e in AllEntries)
        {
            if (e.Status.IsOpen())
            {
                open++;
                overdue += e.Deadline is { } d && d < now ? 1 : 0;
            }
        }
        return Task.FromResult(new HeldCounts(open, overdue));
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
        _wakeUpAt = null;
        var atTop = UnitCode.Parse(Unit).Parent is null;
        var changed = new List<(Guid Id, QueueRow Row)>();
        foreach (var (id, row) in _rows)
        {
            if (row.Entry is not { } entry || !entry.Status.IsOpen() || entry.Deadline is not { } deadline || deadline > now)
            {
                continue;
            }
            if (row.Told is { } told && told.Deadline == deadline && (atTop || now - told.At < RetellAfter))
            {
                continue;
            }
            changed.Add((id, row with { Told = new DeadlineTold(deadline, now) }));
            GrainFactory.GetGrain<IIssueGrain>(id).DeadlinePassed(Unit).Ignore();
        }
        foreach (var (id, row) in changed)
        {
            _rows[id] = row;
            _changed.Add(id);
        }
        await EnsureWakeUp(null);
        _headChanged = true;
        await Flush();
    }

    /// <summary>Keeps one wake-up registered at the earliest time something here needs attention.</summary>
    private async Task EnsureWakeUp(DateTimeOffset? candidate)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? next = candidate;
        if (candidate is null)
        {
            var atTop = UnitCode.Parse(Unit).Parent is null;
            foreach (var row in _rows.Values)
            {
                if (row.Entry is not { } entry || !entry.Status.IsOpen() || entry.Deadline is not { } deadline)
                {
                    continue;
                }
                var told = row.Told;
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
        if (_wakeUpAt is { } scheduled && scheduled > now && WakeUps.Minute(scheduled) <= WakeUps.Minute(at))
        {
            return;
        }
        await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.IssueQueue, Unit), at);
        _wakeUpAt = at;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue of unit {Unit} could not be written on deactivation; its inbox is applied again when it next activates")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string unit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation stream of unit {Unit} failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string unit);
}
