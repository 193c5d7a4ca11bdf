using System.Globalization;

namespace GridActors.Grains.Scheduling;

/// <summary>Grains that ask to be woken at a time: deadlines, and outboxes still waiting for a confirmation.</summary>
public enum WakeUpKind
{
    IssueQueue,
    Issue,
    Stats,
    /// <summary>A township committee's end-of-month Party activity check (key: township code).</summary>
    PartyActivityCheck,
    /// <summary>A Party task's due date, to flag it overdue (key: task id).</summary>
    PartyTask,
    /// <summary>A star board whose line its parent has not confirmed (key: unit-year).</summary>
    StarBoard,
    /// <summary>A star rating whose change its village's board has not confirmed (key: the rating's key).</summary>
    StarRating,
    /// <summary>An issue's notifications: held ones (quiet hours, hourly cap), retries, a deadline to warn of (key: issue id).</summary>
    Notifications,
    /// <summary>A webhook subscription with a delivery to try again (key: the subscription's id).</summary>
    Webhook,
}

[GenerateSerializer, Immutable, Alias("GridActors.WakeUpTarget")]
public sealed record WakeUpTarget(WakeUpKind Kind, string Key);

/// <summary>A grain that can be woken by the scheduler.</summary>
[Alias("GridActors.IWakeUpTarget")]
public interface IWakeUpTarget : IAddressable
{
    [Alias("WakeUp")]
    Task WakeUp();
}

/// <summary>
/// Durable wake-ups without one reminder per issue. A wake-up goes into the bucket grain of its UTC minute;
/// one dispatcher grain, on one reminder, fires each bucket once its minute is over. Work per tick is the
/// number of wake-ups due, never the number of open issues. See docs/escalation.md.
/// </summary>
public static class WakeUps
{
    public const string MinuteFormat = "yyyyMMddHHmm";

    public static DateTimeOffset Minute(DateTimeOffset at) =>
        new(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, at.UtcDateTime.Minute, 0, TimeSpan.Zero);

    public static string BucketKey(DateTimeOffset minute) => minute.ToString(MinuteFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Keeps one wake-up pending for a grain that owes a send it may lose with its activation: when
    /// <paramref name="pending"/> has passed (or there is none), asks for one <paramref name="within"/> from now. Answers
    /// the time now pending, for the grain to keep with its state.
    /// </summary>
    public static async Task<DateTimeOffset> Ensure(IGrainFactory grains, TimeProvider clock, WakeUpTarget target, DateTimeOffset? pending, TimeSpan within)
    {
        var now = clock.GetUtcNow();
        if (pending is { } at && at >= now)
        {
            return at;
        }
        await Schedule(grains, clock, target, now + within);
        return now + within;
    }

    /// <summary>Asks for <paramref name="target"/> to be woken at <paramref name="at"/> or up to two minutes later.</summary>
    public static async Task Schedule(IGrainFactory grains, TimeProvider clock, WakeUpTarget target, DateTimeOffset at)
    {
        // Never into a minute that may already have fired: the dispatcher only fires minutes that are over.
        var minute = Minute(at > clock.GetUtcNow() ? at : clock.GetUtcNow());
        for (var attempt = 0; attempt < 5; attempt++, minute = minute.AddMinutes(1))
        {
            if (await grains.GetGrain<IWakeUpBucketGrain>(BucketKey(minute)).Add(target))
            {
                return;
            }
        }
        throw new InvalidOperationException($"could not schedule a wake-up for {target} near {at:u}");
    }

    internal static IWakeUpTarget Resolve(IGrainFactory grains, WakeUpTarget target) => target.Kind switch
    {
        WakeUpKind.IssueQueue => grains.GetGrain<Queues.IIssueQueueGrain>(target.Key),
        WakeUpKind.Issue => grains.GetGrain<Issues.IIssueGrain>(Guid.Parse(target.Key)),
        WakeUpKind.PartyActivityCheck => grains.GetGrain<PartyBranches.ITownshipCommitteeGrain>(target.Key),
        WakeUpKind.PartyTask => grains.GetGrain<PartyTasks.IPartyTaskGrain>(Guid.Parse(target.Key)),
        WakeUpKind.StarBoard => grains.GetGrain<Stars.IStarBoardGrain>(target.Key),
        WakeUpKind.StarRating => grains.GetGrain<Stars.IStarRatingGrain>(target.Key),
        WakeUpKind.Notifications => grains.GetGrain<Notifications.IIssueNotificationsGrain>(Guid.Parse(target.Key)),
        WakeUpKind.Webhook => grains.GetGrain<Webhooks.IWebhookSubscriptionGrain>(target.Key),
        _ => grains.GetGrain<Stats.IResolutionStatsGrain>(target.Key),
    };
}
