using System.Globalization;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Stats;

/// <summary>
/// Resolution statistics (小事不出网格、大事不出村) of a unit and everything under it, keyed by the unit code.
/// A grid's book is fed by its issues; every unit pushes what changed to its parent in merged batches, with
/// at most one push in flight, so the busier the tree, the bigger the batches and no county receives a call
/// per event. See docs/escalation.md.
/// </summary>
[Alias("GridActors.IResolutionStatsGrain")]
public interface IResolutionStatsGrain : IWakeUpTarget, IGrainWithStringKey
{
    /// <summary>An issue's change, applied once at its origin grid.</summary>
    [Alias("Apply")]
    Task Apply(StatsNotice notice);

    /// <summary>A child's merged changes, applied once per batch sequence.</summary>
    [Alias("ApplyBatch")]
    Task ApplyBatch(StatsBatch batch);

    [Alias("Get")]
    Task<ResolutionStats> Get(DateOnly from, DateOnly to);

    /// <summary>
    /// A county's unit grain, once the county is attached to its city or province (on every write after): batches go
    /// there from now on, the first carrying everything counted so far. A county never moves once attached.
    /// </summary>
    [Alias("AttachTo")]
    Task AttachTo(string parent);

    /// <summary>The Party network's counts of the unit and everything under it (docs/party-network.md).</summary>
    [Alias("Party")]
    Task<PartyTotals> Party();
}

[GenerateSerializer, Alias("GridActors.ResolutionStatsState")]
public sealed class ResolutionStatsState
{
    /// <summary>
    /// Counters per day, as kept before 2026-11-26; now each day is a row of its own (<c>resolution-stats/yyyy-MM-dd</c>),
    /// so that a change rewrites its day, not every day since the unit started. Days found here are moved on activation.
    /// </summary>
    [Id(0)] public SortedDictionary<DateOnly, DayCounters> Days { get; set; } = [];
    [Id(1)] public long OverdueNow { get; set; }
    /// <summary>
    /// Notice ids applied at this grid, as kept before 2026-11-26; now in rows of their own (see
    /// <see cref="ResolutionStatsGrain.AppliedRowName"/>), and ids found here are moved into the row of the empty id.
    /// </summary>
    [Id(2)] public HashSet<Guid> Applied { get; set; } = [];
    /// <summary>Last batch sequence applied per child.</summary>
    [Id(3)] public Dictionary<string, long> ChildSequences { get; set; } = [];
    /// <summary>What the parent has not yet confirmed, and the sequence it goes under.</summary>
    [Id(4)] public SortedDictionary<DateOnly, DayCounters> Pending { get; set; } = [];
    [Id(5)] public long PendingOverdue { get; set; }
    [Id(6)] public long PendingSequence { get; set; } = 1;
    [Id(7)] public DateTimeOffset? WakeUpAt { get; set; }
    /// <summary>
    /// A batch that was sent and not confirmed: the parent may have counted it (only the answer was lost), so it is sent
    /// again exactly as it was, under its own sequence; changes made since go into <see cref="Pending"/>, the next batch.
    /// </summary>
    [Id(8)] public SortedDictionary<DateOnly, DayCounters>? Unconfirmed { get; set; }
    [Id(9)] public long UnconfirmedOverdue { get; set; }
    [Id(10)] public long UnconfirmedSequence { get; set; }
    /// <summary>Writes that stored notice ids applied (each in its row <c>resolution-stats/applied-N</c>): the last N used.</summary>
    [Id(11)] public long AppliedWrites { get; set; }
    /// <summary>
    /// A county's unit above (its city or province) once the county attached to one; batches go there. Below the county
    /// the parent follows from the code and this stays null.
    /// </summary>
    [Id(12)] public string? AttachedTo { get; set; }
    /// <summary>The Party network's counts of the unit and everything under it.</summary>
    [Id(13)] public PartyCounters Party { get; set; } = new();
    /// <summary>The change to <see cref="Party"/> the parent has not been sent; goes with <see cref="Pending"/>.</summary>
    [Id(14)] public PartyCounters PendingParty { get; set; } = new();
    /// <summary>The Party part of <see cref="Unconfirmed"/>.</summary>
    [Id(15)] public PartyCounters? UnconfirmedParty { get; set; }
    /// <summary>A grid's: the last figures of its Party group counted (their version orders them).</summary>
    [Id(16)] public GroupFigures? Group { get; set; }
    /// <summary>A grid's: whether its registration is counted in <see cref="PartyCounters.Grids"/>.</summary>
    [Id(17)] public bool GridCounted { get; set; }
    /// <summary>Above the grid: each child's first 100 grids without a group, as its last batch said.</summary>
    [Id(18)] public Dictionary<string, List<string>> ChildrenWithoutGroup { get; set; } = [];
    /// <summary>Whether this unit's first 100 grids without a group changed since the last batch was frozen.</summary>
    [Id(19)] public bool PendingWithoutGroup { get; set; }
    /// <summary>The list sent with <see cref="Unconfirmed"/>, when it had changed.</summary>
    [Id(20)] public List<string>? UnconfirmedWithoutGroup { get; set; }
}

internal sealed partial class ResolutionStatsGrain(GridClock clock, ILogger<ResolutionStatsGrain> logger) : Grain, IResolutionStatsGrain
{
    /// <summary>
    /// The head row's name (the counters). A grid keeps, next to it, the ids of the notices it has applied, so that each
    /// counts once: every write that applied notices stores their ids (by issue) in a row of its own, written with the
    /// counters, so a write adds one small row whatever the number of issues it counted. A row per issue, kept before,
    /// added a row to every report's cost (an insert per issue: reports a second on PostgreSQL 3,540 against 3,795 with
    /// none, 26 November 2026); such rows (this name, a slash, the issue id) are still read.
    /// </summary>
    internal const string HeadRow = "resolution-stats";

    /// <summary>
    /// A unit sends its changes to its parent at most this often: the first change after a quiet spell goes up at once,
    /// the changes that arrive within this time after a push wait for the next one and go up together. Pushed after
    /// every change, a grid under a steady stream of reports sent one batch per report, and its village wrote its
    /// counters (every child's sequence and every day's histogram) for each: 70 % of a report's CPU (perf, B3).
    /// </summary>
    internal static readonly TimeSpan PushEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, HashSet<Guid>> _applied = [];
    private readonly SortedDictionary<DateOnly, DayCounters> _days = [];
    private long _lastPush = long.MinValue;
    private ResolutionStatsState _state = new();
    private GrainRows _store = null!;
    private IGrainTimer? _push;

    // What storage does not hold yet (write-behind, see Apply): the head, the days and the issues' applied ids that
    // changed, and the inbox rows of the notices applied since the last write.
    private bool _headChanged;
    private readonly HashSet<DateOnly> _changedDays = [];
    private readonly Dictionary<Guid, HashSet<Guid>> _unwrittenApplied = [];
    private readonly HashSet<Guid> _inboxApplied = [];

    private UnitCode? _unit;

    // Parsed once per activation: it is read on every event and every push.
    private UnitCode Unit => _unit ??= UnitCode.Parse(this.GetPrimaryKeyString());

    /// <summary>
    /// The unit this one's changes go up to: the code's parent, or for a county the city or province it attached to
    /// (none while it stands alone: then nothing is kept pending, as for a province).
    /// </summary>
    private string? Parent => Unit.Level == UnitLevel.County ? _state.AttachedTo : Unit.Parent?.Value;

    /// <summary>The row of one issue's applied ids, as kept before; the row of the empty id holds ids moved from the head.</summary>
    internal static string RowName(Guid issueId) => GrainRows.ItemName(HeadRow, issueId);

    private const string AppliedRowPrefix = HeadRow + "/applied-";

    /// <summary>The row of the ids applied by one write, the <paramref name="write"/>-th to store any.</summary>
    internal static string AppliedRowName(long write) => AppliedRowPrefix + write.ToString(CultureInfo.InvariantCulture);

    internal static string DayRowName(DateOnly day) => GrainRows.ItemName(HeadRow, day);

    private WakeUpTarget WakeUpTarget => new(WakeUpKind.Stats, Unit.Value);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = GrainRows.For(this);
        var (rows, inbox) = await _store.LoadWithInbox<StatsNotice>(HeadRow);
        foreach (var (name, payload) in rows)
        {
            if (name == HeadRow)
            {
                _state = _store.Read<ResolutionStatsState>(payload);
            }
            else if (GrainRows.IsItem(HeadRow, name, out Guid issue))
            {
                IdsOf(_applied, issue).UnionWith(_store.Read<HashSet<Guid>>(payload));
            }
            else if (GrainRows.IsItem(HeadRow, name, out DateOnly day))
            {
                _days[day] = _store.Read<DayCounters>(payload);
            }
            else if (name.StartsWith(AppliedRowPrefix, StringComparison.Ordinal))
            {
                foreach (var (issueId, ids) in _store.Read<Dictionary<Guid, HashSet<Guid>>>(payload))
                {
                    IdsOf(_applied, issueId).UnionWith(ids);
                }
            }
        }
        if (_state.Days.Count > 0)
        {
            // Kept in the head before. The head's days win over day rows of the same date: those can only be a move
            // that stopped part-way (nothing else writes day rows while the head still holds days). The day rows go
            // first, in parts; the head without its days last, so a move cut short is simply done again.
            foreach (var (day, counters) in _state.Days)
            {
                _days[day] = counters;
            }
            await _store.WriteInParts(_state.Days.Keys.Select(day => _store.Set(DayRowName(day), _days[day])).ToList());
            _state.Days = [];
            await _store.Write(_store.Set(HeadRow, _state));
        }
        if (_state.Applied.Count > 0)
        {
            // Kept in the head before: moved into the row of the empty id, head and row in one write.
            var legacy = IdsOf(_applied, Guid.Empty);
            legacy.UnionWith(_state.Applied);
            _state.Applied = [];
            await _store.Write(_store.Set(HeadRow, _state), _store.Set(RowName(Guid.Empty), legacy));
        }
        if (_state.Unconfirmed is null && !NothingPending)
        {
            // A stored pending batch may have been sent already: a push is confirmed without a write (and heads kept
            // before 2026-11-26 were sent straight from here). It goes up again as it is, under its own sequence;
            // changes from now on go into the next batch, never into one the parent may have counted.
            Freeze();
        }
        if (inbox.Count > 0)
        {
            // Notices an issue stored for this grid that the previous activation had not written (it was lost, or had not
            // yet written them): counted now, each once, by id.
            foreach (var (_, notice) in inbox)
            {
                Take(notice);
            }
            await EnsureWakeUp();
            await Flush();
        }
        SchedulePush();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await Flush();
        }
        catch (Exception e)
        {
            // Nothing is lost: the notices stay in their inbox rows and the next activation counts them then.
            LogFlushFailed(logger, e, Unit.Value);
        }
    }

    /// <summary>
    /// An issue's notice: counted in memory at once (what <see cref="Get"/> answers) and written with the others by the
    /// next push, at most <see cref="PushEvery"/> later. The notice is already stored, in this grid's inbox, by the
    /// issue's own write; if this activation is lost first, the next one counts it from there. The wake-up that
    /// guarantees a next activation is registered before answering.
    /// </summary>
    public async Task Apply(StatsNotice notice)
    {
        if (Take(notice))
        {
            await EnsureWakeUp();
        }
        SchedulePush();
    }

    /// <summary>Counts a notice in memory unless it was counted (by id); answers whether it changed anything.</summary>
    private bool Take(StatsNotice notice)
    {
        _inboxApplied.Add(notice.Id);
        if (notice.Group is not null || notice.GridRegistered)
        {
            return TakeParty(notice);
        }
        if (_applied.GetValueOrDefault(notice.IssueId)?.Contains(notice.Id) == true
            || (notice.IssueId != Guid.Empty && _applied.GetValueOrDefault(Guid.Empty)?.Contains(notice.Id) == true))
        {
            return false;
        }
        IdsOf(_applied, notice.IssueId).Add(notice.Id);
        IdsOf(_unwrittenApplied, notice.IssueId).Add(notice.Id);
        Count(new Dictionary<DateOnly, DayCounters> { [notice.Day] = notice.Delta }, notice.OverdueDelta);
        return true;
    }

    /// <summary>
    /// A Party notice at its grid: the grid's registration counts once, the group's figures replace the previous ones when
    /// newer (so no ids need keeping: a repeated or late notice changes nothing).
    /// </summary>
    private bool TakeParty(StatsNotice notice)
    {
        var before = WithoutGroup();
        var delta = new PartyCounters();
        var changed = false;
        if (notice.GridRegistered && !_state.GridCounted)
        {
            _state.GridCounted = changed = true;
            delta.Grids = 1;
        }
        if (notice.Group is { } figures && figures.Version > (_state.Group?.Version ?? 0))
        {
            delta.Add(PartyCounters.Difference(_state.Group?.Counters, figures.Counters));
            _state.Group = figures;
            changed = true;
        }
        if (changed)
        {
            CountParty(delta, before);
        }
        return changed;
    }

    /// <summary>Adds a change to the Party counts and to what goes up next; the list of grids without a group goes up when it changed.</summary>
    private void CountParty(PartyCounters delta, IReadOnlyList<string> withoutGroupBefore)
    {
        _state.Party.Add(delta);
        if (Parent is not null)
        {
            _state.PendingParty.Add(delta);
            _state.PendingWithoutGroup |= !withoutGroupBefore.SequenceEqual(WithoutGroup());
        }
        _headChanged = true;
    }

    /// <summary>
    /// The first 100 grids without a group, by code: a grid names itself when registered with no group set up; a unit above
    /// merges its children's lists (the first 100 of the whole are among the first 100 of each child).
    /// </summary>
    private IReadOnlyList<string> WithoutGroup() => Unit.Level == UnitLevel.Grid
        ? _state.Party.Grids > 0 && _state.Party.GroupsSetUp == 0 ? [Unit.Value] : []
        : _state.ChildrenWithoutGroup.Values.SelectMany(g => g).Order(StringComparer.Ordinal).Take(100).ToArray();

    public Task<PartyTotals> Party() => Task.FromResult(new PartyTotals(_state.Party, WithoutGroup()));

    /// <summary>The set of notice ids kept for <paramref name="issueId"/> in <paramref name="byIssue"/>, made empty if none.</summary>
    private static HashSet<Guid> IdsOf(Dictionary<Guid, HashSet<Guid>> byIssue, Guid issueId)
    {
        if (!byIssue.TryGetValue(issueId, out var ids))
        {
            byIssue[issueId] = ids = [];
        }
        return ids;
    }

    /// <summary>A child's batch: counted and stored before answering, because the child takes the answer as final.</summary>
    public async Task ApplyBatch(StatsBatch batch)
    {
        if (_state.ChildSequences.GetValueOrDefault(batch.Child) >= batch.Sequence)
        {
            return;
        }
        _state.ChildSequences[batch.Child] = batch.Sequence;
        Count(batch.Days, batch.OverdueDelta);
        if (batch.Party is not null || batch.GridsWithoutGroup is not null)
        {
            var before = WithoutGroup();
            if (batch.GridsWithoutGroup is { } without)
            {
                if (without.Count == 0)
                {
                    _state.ChildrenWithoutGroup.Remove(batch.Child);
                }
                else
                {
                    _state.ChildrenWithoutGroup[batch.Child] = [.. without];
                }
            }
            CountParty(batch.Party ?? new PartyCounters(), before);
        }
        await EnsureWakeUp();
        await Flush();
        SchedulePush();
    }

    /// <summary>Adds changes to the counters and to what goes up to the parent next.</summary>
    private void Count(IReadOnlyDictionary<DateOnly, DayCounters> days, long overdue)
    {
        foreach (var (day, delta) in days)
        {
            Merge(_days, day, delta);
            _changedDays.Add(day);
            if (Parent is not null)
            {
                Merge(_state.Pending, day, delta);
            }
        }
        _state.OverdueNow += overdue;
        if (Parent is not null)
        {
            _state.PendingOverdue += overdue;
        }
        _headChanged = true;
    }

    public Task<ResolutionStats> Get(DateOnly from, DateOnly to) =>
        Task.FromResult(ResolutionStats.Compute(Unit.Value, from, to, _days, _state.OverdueNow));

    public Task WakeUp()
    {
        _state.WakeUpAt = null;
        SchedulePush();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A county that stood alone (or was just registered) and is now attached to a city or province: everything it has
    /// counted goes up as its first batch, so the unit above holds the county's whole book, not only what changes after.
    /// Told by the county's unit grain rather than asked of it: the unit grain calls here in the middle of its own write.
    /// </summary>
    public async Task AttachTo(string parent)
    {
        if (Unit.Level != UnitLevel.County || _state.AttachedTo == parent)
        {
            return;
        }
        if (_state.AttachedTo is not null)
        {
            throw new InvalidOperationException($"county {Unit} is attached to {_state.AttachedTo}; it cannot move to {parent}");
        }
        _state.AttachedTo = parent;
        foreach (var (day, counters) in _days)
        {
            Merge(_state.Pending, day, counters);
        }
        _state.PendingOverdue += _state.OverdueNow;
        _state.PendingParty.Add(_state.Party);
        _state.PendingWithoutGroup = true;
        _headChanged = true;
        await EnsureWakeUp();
        await Flush();
        SchedulePush();
    }

    /// <summary>Should this activation be lost before its push, a wake-up within minutes sends what is pending.</summary>
    private async Task EnsureWakeUp()
    {
        if (Parent is null)
        {
            return;
        }
        try
        {
            var at = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, _state.WakeUpAt, TimeSpan.FromMinutes(5));
            _headChanged |= at != _state.WakeUpAt;
            _state.WakeUpAt = at;
        }
        catch
        {
            // Counted in memory with no wake-up to guarantee a next activation: start again from storage (the notice
            // is in the inbox, the batch with its child); the sender gets the error and sends again.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Writes what changed since the last write: the head, the changed days and the ids applied since together (all or
    /// nothing: counters and the ids they count never part), and takes the notices they count out of the inbox, in the
    /// same write when it is small, otherwise after it. If the write fails the activation is dropped; the next one
    /// starts from storage and counts the inbox again.
    /// </summary>
    private async Task Flush()
    {
        if (!Unwritten)
        {
            return;
        }
        var rows = new List<RowWrite>(_changedDays.Count + 2);
        if (_unwrittenApplied.Count > 0)
        {
            // Counted by the head in the same write: a failed write leaves neither, and the activation is dropped.
            _state.AppliedWrites++;
            rows.Add(_store.Set(AppliedRowName(_state.AppliedWrites), _unwrittenApplied));
        }
        if (_headChanged || _changedDays.Count > 0 || _unwrittenApplied.Count > 0)
        {
            rows.Add(_store.Set(HeadRow, _state));
        }
        rows.AddRange(_changedDays.Select(day => _store.Set(DayRowName(day), _days[day])));
        try
        {
            await _store.WriteTaking(rows, _inboxApplied, rowsTogether: true);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        _headChanged = false;
        _changedDays.Clear();
        _unwrittenApplied.Clear();
        _inboxApplied.Clear();
    }

    private bool Unwritten => _headChanged || _changedDays.Count > 0 || _unwrittenApplied.Count > 0 || _inboxApplied.Count > 0;

    private void SchedulePush()
    {
        if (_push is not null || (!Unwritten && (Parent is null || (_state.Unconfirmed is null && NothingPending))))
        {
            return;
        }
        // A one-shot timer: it runs as its own turn after the current call (and no sooner than PushEvery after the
        // last push), so the changes that arrive meanwhile go up in the same batch. Monotonic time: this paces work,
        // it is not a date of the domain.
        var wait = _lastPush == long.MinValue ? 0 : Math.Max(0, _lastPush + (long)PushEvery.TotalMilliseconds - Environment.TickCount64);
        _push = this.RegisterGrainTimer(Push, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(wait), Timeout.InfiniteTimeSpan));
    }

    private async Task Push(CancellationToken cancellationToken)
    {
        _push?.Dispose();
        _push = null;
        _lastPush = Environment.TickCount64;
        try
        {
            if (Parent is not null && _state.Unconfirmed is null && !NothingPending)
            {
                // Stored as sent before it is sent: whatever happens next, this batch never takes another change under
                // its sequence, even after this activation is lost.
                Freeze();
                _headChanged = true;
            }
            // The counters, and the batch with them, are stored before the batch goes up.
            await Flush();
            if (Parent is null || _state.Unconfirmed is null)
            {
                return;
            }
            await GrainFactory.Get<IResolutionStatsGrain>(Parent!)
                .ApplyBatch(new StatsBatch(Unit.Value, _state.UnconfirmedSequence, _state.Unconfirmed!, _state.UnconfirmedOverdue,
                    _state.UnconfirmedParty is { IsZero: false } party ? party : null, _state.UnconfirmedWithoutGroup));
            // Confirmed. Not written now: if this activation is lost, the stored batch is sent again and the parent
            // ignores it.
            _state.Unconfirmed = null;
            _state.UnconfirmedOverdue = 0;
            _state.UnconfirmedParty = null;
            _state.UnconfirmedWithoutGroup = null;
        }
        catch (Exception e)
        {
            LogPushFailed(logger, e, Unit.Value);
            _state.WakeUpAt = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, _state.WakeUpAt, TimeSpan.FromMinutes(1));
            return;
        }
        SchedulePush();
    }

    private bool NothingPending => _state.Pending.Count == 0 && _state.PendingOverdue == 0 && _state.PendingParty.IsZero && !_state.PendingWithoutGroup;

    /// <summary>Makes the pending changes the batch to send (<see cref="ResolutionStatsState.Unconfirmed"/>) and starts the next.</summary>
    private void Freeze()
    {
        _state.Unconfirmed = _state.Pending;
        _state.UnconfirmedOverdue = _state.PendingOverdue;
        _state.UnconfirmedSequence = _state.PendingSequence;
        _state.UnconfirmedParty = _state.PendingParty;
        _state.UnconfirmedWithoutGroup = _state.PendingWithoutGroup ? [.. WithoutGroup()] : null;
        _state.Pending = [];
        _state.PendingOverdue = 0;
        _state.PendingParty = new PartyCounters();
        _state.PendingWithoutGroup = false;
        _state.PendingSequence++;
    }

    private static void Merge(SortedDictionary<DateOnly, DayCounters> days, DateOnly day, DayCounters delta)
    {
        if (!days.TryGetValue(day, out var counters))
        {
            days[day] = counters = new DayCounters();
        }
        counters.Add(delta);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics of {Unit} could not be written on deactivation; its inbox is counted again when it next activates")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string unit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics of {Unit} could not be pushed to its parent; retrying later")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string unit);
}
