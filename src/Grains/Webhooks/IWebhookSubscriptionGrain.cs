using GridActors.Grains.Access;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Scheduling;

namespace GridActors.Grains.Webhooks;

/// <summary>
/// One webhook subscription (事件推送订阅), keyed by its id: what it is, its secret, and the deliveries it owes, each a
/// row of its own, sent in order per issue by this grain and nothing else, so a slow receiver holds up only its own queue.
/// </summary>
[Alias("GridActors.IWebhookSubscriptionGrain")]
public interface IWebhookSubscriptionGrain : IGrainWithStringKey, IWakeUpTarget
{
    /// <summary>
    /// Creates the subscription, or, when it exists, answers a replay if <paramref name="fingerprint"/> (a hash of what
    /// was asked) is the one it was created with, and a mismatch otherwise.
    /// </summary>
    [Alias("CreateOnce")]
    Task<WebhookCreation> CreateOnce(WebhookSubscriptionInfo info, string secret, string fingerprint);

    /// <summary>The subscription; null when there is none (never created, or deleted).</summary>
    [Alias("Get")]
    Task<WebhookSubscriptionInfo?> Get();

    /// <summary>
    /// Stores the delivery of <paramref name="e"/> if the subscription wants it and has not stored it (by issue and
    /// version); completes once it is stored. Sending happens later, off the caller's path.
    /// </summary>
    [Alias("Enqueue")]
    Task Enqueue(IssueEvent e);

    /// <summary>Stops sending (events keep queueing); <paramref name="reason"/> is shown on the subscription.</summary>
    [Alias("Pause")]
    Task<WebhookSubscriptionInfo?> Pause(string reason, Actor by);

    /// <summary>Sends again, starting at once with everything queued.</summary>
    [Alias("Resume")]
    Task<WebhookSubscriptionInfo?> Resume(Actor by);

    /// <summary>Deletes the subscription and its deliveries; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>Its deliveries, newest first, older than <paramref name="before"/> (a cursor) when given.</summary>
    [Alias("Deliveries")]
    Task<WebhookDeliveryPage> Deliveries(long? before, int limit);

    /// <summary>Queues again the kept deliveries of events that happened in [<paramref name="from"/>, <paramref name="to"/>); answers how many.</summary>
    [Alias("Replay")]
    Task<int> Replay(DateTimeOffset from, DateTimeOffset to);
}

public static class WebhookGrainFactoryExtensions
{
    public static IWebhookSubscriptionGrain GetWebhook(this IGrainFactory grains, string id) => grains.GetGrain<IWebhookSubscriptionGrain>(id);

    /// <summary>The county's webhook dispatcher (key: the county's code), which is also the county's list of subscriptions.</summary>
    public static IWebhookDispatcherGrain GetWebhookDispatcher(this IGrainFactory grains, string county) => grains.GetGrain<IWebhookDispatcherGrain>(county);

    /// <summary>A new subscription id: random, so one cannot be guessed from another.</summary>
    public static string NewId() => "wh_" + Guid.NewGuid().ToString("N");

    /// <summary>The id of the subscription a request with this (caller-scoped) Idempotency-Key creates.</summary>
    public static string IdFor(string scopedIdempotencyKey) =>
        "wh_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"gridactors/webhook/{scopedIdempotencyKey}")), 0, 16);

    public static bool IsId(string? text) => text is { Length: 35 } && text.StartsWith("wh_", StringComparison.Ordinal) && Guid.TryParseExact(text[3..], "N", out _);
}
