using GridActors.Grains.Infrastructure;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Stats;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.PartyRollups;

/// <summary>
/// What a grid's Party group and a grid's unit tell the grid's statistics grain, which pushes the Party counts up the
/// tree with its own batches. A notice is stored in the statistics grain's inbox by the sender's own write (so a change
/// and its notice are never parted by a crash), then delivered by a call; a failed call leaves it in the inbox, and a
/// wake-up of the statistics grain a minute later makes it activate and count its inbox.
/// </summary>
internal static partial class PartyNotices
{
    public static StatsNotice Figures(string grid, GroupFigures figures, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), grid, StatsCalendar.Day(now), new DayCounters(), Group: figures);

    public static StatsNotice GridRegistered(string grid, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), grid, StatsCalendar.Day(now), new DayCounters(), GridRegistered: true);

    public static InboxPost Post(IGrainStateRows store, IGrainFactory grains, StatsNotice notice) =>
        GrainRows.Post(store, grains.Get<IResolutionStatsGrain>(notice.Grid).GetGrainId(), notice.Id, notice);

    public static async Task Deliver(IGrainFactory grains, TimeProvider clock, StatsNotice notice, ILogger logger)
    {
        try
        {
            await grains.Get<IResolutionStatsGrain>(notice.Grid).Apply(notice);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(logger, e, notice.Grid);
            try
            {
                await WakeUps.Schedule(grains, clock, new WakeUpTarget(WakeUpKind.Stats, notice.Grid), clock.GetUtcNow().AddMinutes(1));
            }
            catch (Exception again)
            {
                // Still in the inbox: counted when the grid's statistics next activate (a report, a push, a restart's wake-up).
                LogDeliveryFailed(logger, again, notice.Grid);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid {Grid}, stored before the Party counts were pushed, could not send its figures on activation; it tries again when it next activates")]
    public static partial void LogCatchUpFailed(ILogger logger, Exception exception, string grid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Party counts of grid {Grid} could not be handed to its statistics; the notice waits in their inbox")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string grid);
}
