using GridActors.Grains.Infrastructure;
namespace GridActors.Grains.Scheduling;

/// <summary>
/// Fires the wake-up buckets of every minute that is over, in order, on one durable reminder. Its only state
/// is the last minute fired, so after a restart it catches up on the minutes it missed.
/// </summary>
[Alias("GridActors.IWakeUpDispatcherGrain")]
public interface IWakeUpDispatcherGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the reminder (idempotent); called when a silo starts.</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>Fires every bucket whose minute is over; returns how many minutes it fired.</summary>
    [Alias("RunDue")]
    Task<int> RunDue();
}

[GenerateSerializer, Alias("GridActors.WakeUpDispatcherState")]
public sealed class WakeUpDispatcherState
{
    [Id(0)] public DateTimeOffset? LastFired { get; set; }
}

internal sealed class WakeUpDispatcherGrain(
    [PersistentState("wake-up-dispatcher", Infrastructure.StorageNames.Grains)] IPersistentState<WakeUpDispatcherState> state,
    GridClock clock) : Grain, IWakeUpDispatcherGrain, IRemindable
{
    private const string ReminderName = "fire-due-wake-ups";

    public async Task Start()
    {
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        if (state.State.LastFired is null)
        {
            state.State.LastFired = WakeUps.Minute(clock.GetUtcNow()).AddMinutes(-1);
            await state.WriteStateAsync();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => RunDue();

    public async Task<int> RunDue()
    {
        var current = WakeUps.Minute(clock.GetUtcNow());
        var last = state.State.LastFired ?? current.AddMinutes(-1);
        var fired = 0;
        for (var minute = last.AddMinutes(1); minute < current; minute = minute.AddMinutes(1))
        {
            await GrainFactory.GetGrain<IWakeUpBucketGrain>(WakeUps.BucketKey(minute)).Fire();
            state.State.LastFired = minute;
            fired++;
            if (fired % 500 == 0)
            {
                await state.WriteStateAsync();
            }
        }
        if (fired > 0)
        {
            await state.WriteStateAsync();
        }
        return fired;
    }
}
