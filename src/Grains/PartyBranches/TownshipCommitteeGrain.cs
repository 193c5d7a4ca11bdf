using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.PartyBranches;

/// <summary>
/// Runs the end-of-month activity check for its township. One durable wake-up at each month's end (00:00 on the
/// 1st, China time) through the scheduler, so it survives restarts and follows the injected clock; on waking it
/// checks every month that ended since the last one it checked, so a silo that was down over a month end
/// catches up. A province of 1,500 townships puts 1,500 wake-ups in the month-end minute, not one per group.
/// </summary>
internal sealed partial class TownshipCommitteeGrain(
    [PersistentState("township-party-committee", StorageNames.Grains)] IPersistentState<TownshipCommitteeState> state,
    GridClock clock,
    ILogger<TownshipCommitteeGrain> logger) : Grain, ITownshipCommitteeGrain
{
    private UnitCode Township => UnitCode.Parse(this.GetPrimaryKeyString());

    public async Task EnsureChecking(PartyMonth since)
    {
        var s = state.State;
        // The month comes from the caller, so a one-way call delivered after a month end still checks that month.
        if (s.FirstMonth is null || (s.LastChecked is null && since < PartyMonth.Parse(s.FirstMonth)))
        {
            s.FirstMonth = since.ToString();
            await state.WriteStateAsync();
        }
        if (s.NextCheckAt is { } next && next > clock.GetUtcNow())
        {
            return;
        }
        await WakeUp();
    }

    public async Task WakeUp()
    {
        var s = state.State;
        if (s.FirstMonth is null)
        {
            return;
        }
        var current = PartyMonth.Of(clock.GetUtcNow());
        var month = s.LastChecked is { } last ? PartyMonth.Parse(last).Next : PartyMonth.Parse(s.FirstMonth);
        for (; month < current; month = month.Next)
        {
            await Check(month);
            s.LastChecked = month.ToString();
            await state.WriteStateAsync();
        }
        if (s.NextCheckAt != current.End)
        {
            try
            {
                await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.PartyActivityCheck, Township.Value), current.End);
                s.NextCheckAt = current.End;
                await state.WriteStateAsync();
            }
            catch (Exception e)
            {
                // The next group set up or changed under this township asks again (EnsureChecking).
                LogScheduleFailed(logger, e, Township.Value, current.End);
            }
        }
    }

    public Task<IReadOnlyList<PartyWarning>> Warnings(PartyMonth? month) =>
        Task.FromResult<IReadOnlyList<PartyWarning>>(state.State.Warnings
            .Where(w => month is not { } m || w.Month == m.ToString())
            .OrderBy(w => w.Month, StringComparer.Ordinal).ThenBy(w => w.Grid, StringComparer.Ordinal)
            .ToArray());

    public Task<(string? LastChecked, DateTimeOffset? NextCheckAt)> CheckStatus() =>
        Task.FromResult((state.State.LastChecked, state.State.NextCheckAt));

    private async Task Check(PartyMonth month)
    {
        var tree = await GrainFactory.GetUnit(Township).GetSubtree();
        if (tree is null)
        {
            return;
        }
        var now = clock.GetUtcNow();
        var missing = new List<PartyWarning>();
        foreach (var village in tree.Children)
        {
            var grids = village.Children;
            var verdicts = await Task.WhenAll(grids.Select(g => GrainFactory.GetPartyGroup(g.Code).CheckMonth(month)));
            var flagged = grids.Where((_, i) => verdicts[i] == MonthCheck.Missing)
                .Select(g => new PartyWarning(PartyWarningKind.NoMonthlyActivity, g.Code, month.ToString(), null,
                    $"The Party group of grid {g.Code} ({g.Name}) held no collective activity (集中活动) in {month}.", now))
                .ToArray();
            if (flagged.Length > 0)
            {
                await GrainFactory.GetGrain<IVillageBranchGrain>(village.Code).AddWarnings(flagged);
                missing.AddRange(flagged);
            }
        }
        var keys = state.State.Warnings.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        var added = missing.Where(w => keys.Add(w.Key)).ToList();
        state.State.Warnings.AddRange(added);
        GridActors.Grains.Telemetry.GridTelemetry.ActivityFlags.Add(added.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Township {Township}: the month-end activity check for {At} could not be scheduled")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string township, DateTimeOffset at);
}
