using GridActors.Grains.Infrastructure;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Scheduling;

/// <summary>The wake-ups of one UTC minute, keyed yyyyMMddHHmm.</summary>
[Alias("GridActors.IWakeUpBucketGrain")]
public interface IWakeUpBucketGrain : IGrainWithStringKey
{
    /// <summary>False when this minute has already fired: the caller uses the next minute.</summary>
    [Alias("Add")]
    Task<bool> Add(WakeUpTarget target);

    /// <summary>Wakes every target; the ones that fail are moved to a later minute.</summary>
    [Alias("Fire")]
    Task Fire();
}

[GenerateSerializer, Alias("GridActors.WakeUpBucketState")]
public sealed class WakeUpBucketState
{
    [Id(0)] public HashSet<WakeUpTarget> Targets { get; set; } = [];
    [Id(1)] public bool Fired { get; set; }
}

internal sealed partial class WakeUpBucketGrain(
    [PersistentState("wake-up-bucket", Infrastructure.StorageNames.Grains)] IPersistentState<WakeUpBucketState> state,
    GridClock clock,
    ILogger<WakeUpBucketGrain> logger) : Grain, IWakeUpBucketGrain
{
    public async Task<bool> Add(WakeUpTarget target)
    {
        if (state.State.Fired)
        {
            return false;
        }
        if (state.State.Targets.Add(target))
        {
            await state.WriteStateAsync();
        }
        return true;
    }

    public async Task Fire()
    {
        if (state.State.Fired && state.State.Targets.Count == 0)
        {
            return;
        }
        var failed = new List<WakeUpTarget>();
        // Targets are independent grains: wake them in parallel, a few hundred at a time.
        foreach (var chunk in state.State.Targets.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(async target =>
            {
                try
                {
                    await WakeUps.Resolve(GrainFactory, target).WakeUp();
                }
                catch (Exception e)
                {
                    LogWakeUpFailed(logger, e, target.Kind, target.Key);
                    lock (failed)
                    {
                        failed.Add(target);
                    }
                }
            }));
        }
        foreach (var target in failed)
        {
            await WakeUps.Schedule(GrainFactory, clock, target, clock.GetUtcNow().AddMinutes(1));
        }
        state.State.Fired = true;
        state.State.Targets.Clear();
        await state.WriteStateAsync();
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wake-up of {Kind} {Key} failed; moved to a later minute")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception, WakeUpKind kind, string key);
}
