namespace GridActors.Grains.Webhooks;

/// <summary>
/// When a failed delivery is tried again, and when a subscription that keeps failing is paused. Plain arithmetic, so it
/// is tested without a silo.
/// </summary>
public static class WebhookRetries
{
    // Minutes after the nth failure. The wake-ups fire per minute, so nothing finer is worth promising. The sum of the
    // first eleven (1,428 min) passes 24 h by an eight-hour step: a receiver down for a day is still tried past it.
    private static readonly int[] Minutes = [1, 2, 5, 10, 30, 60, 120, 240, 480];

    /// <summary>A subscription all of whose attempts failed for this long is paused and its owner told.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    /// <summary>How long delivered records are kept (for listing and for replay).</summary>
    public static readonly TimeSpan KeepDelivered = TimeSpan.FromDays(7);

    /// <summary>The wait after the <paramref name="failures"/>th failed attempt (1-based).</summary>
    public static TimeSpan After(int failures) =>
        TimeSpan.FromMinutes(Minutes[Math.Clamp(failures, 1, Minutes.Length) - 1]);

    /// <summary>Whether a subscription failing since <paramref name="failingSince"/> (no success since) should be paused now.</summary>
    public static bool GiveUp(DateTimeOffset? failingSince, DateTimeOffset now) =>
        failingSince is { } since && now - since >= GiveUpAfter;
}
