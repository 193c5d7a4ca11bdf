using GridActors.Grains.Infrastructure;
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
}

[GenerateSerializer, Alias("GridActors.ResolutionStatsState")]
public sealed class ResolutionStatsState
{
    [Id(0)] public SortedDictionary<DateOnly, DayCounters> Days { get; set; } = [];
    [Id(1)] public long OverdueNow { get; set; }
    /// <summary>Notice ids applied at this grid (a grid sees few issues, so the set stays small).</summary>
    [Id(2)] public HashSet<Guid> Applied { get; set; } = [];
    /// <summary>Last batch sequence applied per child.</summary>
    [Id(3)] public Dictionary<string, long> ChildSequences { get; set; } = [];
    /// <summary>What the parent has not yet confirmed, and the sequence it goes under.</summary>
    [Id(4)] public SortedDictionary<DateOnly, DayCounters> Pending { get; set; } = [];
    [Id(5)] public long PendingOverdue { get; set; }
    [Id(6)] public long PendingSequence { get; set; } = 1;
    [Id(7)] public DateTimeOffset? WakeUpAt { get; set; }
}

internal sealed partial class ResolutionStatsGrain(
    [PersistentState("resolution-stats", StorageNames.Grains)] IPersistentState<ResolutionStatsState> state,
    GridClock clock,
    ILogger<ResolutionStatsGrain> logger) : Grain, IResolutionStatsGrain
{
    private IGrainTimer? _push;

    private UnitCode? _unit;

    // Parsed once per activation: it is read on every event and every push.
    private UnitCode Unit => _unit ??= UnitCode.Parse(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        SchedulePush();
        return Task.CompletedTask;
    }

    public async Task Apply(StatsNotice notice)
    {
        if (!state.State.Applied.Add(notice.Id))
        {
            return;
        }
        Merge(state.State.Days, notice.Day, notice.Delta);
        state.State.OverdueNow += notice.OverdueDelta;
        await Record(new Dictionary<DateOnly, DayCounters> { [notice.Day] = notice.Delta }, notice.OverdueDelta);
    }

    public async Task ApplyBatch(StatsBatch batch)
    {
        if (state.State.ChildSequences.GetValueOrDefault(batch.Child) >= batch.Sequence)
        {
            return;
        }
        state.State.ChildSequences[batch.Child] = batch.Sequence;
        foreach (var (day, delta) in batch.Days)
        {
            Merge(state.State.Days, day, delta);
        }
        state.State.OverdueNow += batch.OverdueDelta;
        await Record(batch.Days, batch.OverdueDelta);
    }

    public Task<ResolutionStats> Get(DateOnly from, DateOnly to) =>
        Task.FromResult(ResolutionStats.Compute(Unit.Value, from, to, state.State.Days, state.State.OverdueNow));

    public Task WakeUp()
    {
        state.State.WakeUpAt = null;
        SchedulePush();
        return Task.CompletedTask;
    }

    private async Task Record(IReadOnlyDictionary<DateOnly, DayCounters> days, long overdue)
    {
        if (Unit.Parent is not null)
        {
            foreach (var (day, delta) in days)
            {
                Merge(state.State.Pending, day, delta);
            }
            state.State.PendingOverdue += overdue;
            // Should this activation be lost before the push, a wake-up within minutes sends what is pending.
            var now = clock.GetUtcNow();
            if (state.State.WakeUpAt is not { } wakeUp || wakeUp < now)
            {
                state.State.WakeUpAt = now.AddMinutes(5);
                await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.Stats, Unit.Value), state.State.WakeUpAt.Value);
            }
        }
        await state.WriteStateAsync();
        SchedulePush();
    }

    private void SchedulePush()
    {
        if (_push is not null || Unit.Parent is null || (state.State.Pending.Count == 0 && state.State.PendingOverdue == 0))
        {
            return;
        }
        // A one-shot timer: it runs as its own turn after the current call, so a burst of changes that arrive
        // meanwhile goes up in the same batch.
        _push = this.RegisterGrainTimer(Push, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task Push(CancellationToken cancellationToken)
    {
        _push?.Dispose();
        _push = null;
        var batch = new StatsBatch(Unit.Value, state.State.PendingSequence, state.State.Pending, state.State.PendingOverdue);
        try
        {
            await GrainFactory.GetGrain<IResolutionStatsGrain>(Unit.Parent!.Value.Value).ApplyBatch(batch);
        }
        catch (Exception e)
        {
            LogPushFailed(logger, e, Unit.Value);
            if (state.State.WakeUpAt is null || state.State.WakeUpAt < clock.GetUtcNow())
            {
                state.State.WakeUpAt = clock.GetUtcNow().AddMinutes(1);
                await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.Stats, Unit.Value), state.State.WakeUpAt.Value);
            }
            return;
        }
        // Confirmed. Not written now: if this activation is lost, the batch is re-sent under the same sequence
        // and the parent ignores it.
        state.State.Pending = [];
        state.State.PendingOverdue = 0;
        state.State.PendingSequence++;
    }

    private static void Merge(SortedDictionary<DateOnly, DayCounters> days, DateOnly day, DayCounters delta)
    {
        if (!days.TryGetValue(day, out var counters))
        {
            days[day] = counters = new DayCounters();
        }
        counters.Add(delta);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics of {Unit} could not be pushed to its parent; retrying later")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string unit);
}
