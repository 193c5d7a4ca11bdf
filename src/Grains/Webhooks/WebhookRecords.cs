using GridActors.Grains.Access;
using GridActors.Grains.Issues.Events;

namespace GridActors.Grains.Webhooks;

/// <summary>Whether a subscription sends.</summary>
public enum WebhookStatus
{
    Active = 0,
    /// <summary>Not sending: paused by its owner, or by the service after every attempt failed for a day. Events still queue.</summary>
    Paused = 1,
}

/// <summary>
/// A webhook subscription (事件推送订阅) as its owner sees it: never its secret. An app's key subscribes a URL to kinds of
/// issue events of one unit within its jurisdiction.
/// </summary>
/// <param name="Unit">The unit whose issues it hears: reported under it, or held by it now or before.</param>
/// <param name="PausedReason">Why it is paused: <c>owner</c>, or why the service paused it.</param>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookSubscriptionInfo")]
public sealed record WebhookSubscriptionInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Unit,
    [property: Id(2)] string Url,
    [property: Id(3)] IReadOnlyList<IssueEventKind> Events,
    [property: Id(4)] string OwnerKeyId,
    [property: Id(5)] string OwnerApp,
    [property: Id(6)] Actor CreatedBy,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] WebhookStatus Status,
    [property: Id(9)] DateTimeOffset? PausedAt = null,
    [property: Id(10)] string? PausedReason = null,
    [property: Id(11)] DateTimeOffset? FailingSince = null,
    [property: Id(12)] int Pending = 0)
{
    /// <summary>Whether this subscription wants <paramref name="e"/>: one of its kinds, about an issue of its unit.</summary>
    public bool Wants(IssueEvent e) => Events.Contains(e.Kind) && Concerns(Unit, e);

    /// <summary>
    /// An event concerns a unit when its issue was reported under it, or a unit under it holds the issue now or held it
    /// before (division codes are prefixes of the codes below them).
    /// </summary>
    public static bool Concerns(string unit, IssueEvent e) =>
        e.Grid.StartsWith(unit, StringComparison.Ordinal) || e.Unit.StartsWith(unit, StringComparison.Ordinal)
        || (e.FromUnit?.StartsWith(unit, StringComparison.Ordinal) ?? false);
}

/// <summary>The head row of a subscription: what it is and the secret its deliveries are signed with.</summary>
[GenerateSerializer, Alias("GridActors.WebhookSubscriptionState")]
public sealed class WebhookSubscriptionState
{
    [Id(0)] public WebhookSubscriptionInfo? Info { get; set; }
    [Id(1)] public string? Secret { get; set; }
    [Id(2)] public bool Deleted { get; set; }
    /// <summary>A hash of the request that created it, so a retry with the same Idempotency-Key is told from another request.</summary>
    [Id(3)] public string? Fingerprint { get; set; }
}

public enum WebhookCreationStatus
{
    Created,
    /// <summary>Created before by the same request (same Idempotency-Key, same body).</summary>
    Replayed,
    /// <summary>The id is taken by another request (an Idempotency-Key reused with another body), or was deleted.</summary>
    Mismatch,
}

/// <summary>How creating a subscription ended; <see cref="SameSecret"/>: a replay whose stored secret is the one sent.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookCreation")]
public sealed record WebhookCreation(
    [property: Id(0)] WebhookCreationStatus Status,
    [property: Id(1)] WebhookSubscriptionInfo? Info,
    [property: Id(2)] bool SameSecret);

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first attempt or for a retry.</summary>
    Pending = 0,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 1,
}

/// <summary>One attempt to deliver: when, the receiver's status code (null: no answer) and what went wrong.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookAttempt")]
public sealed record WebhookAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int? StatusCode,
    [property: Id(2)] string? Error,
    [property: Id(3)] int DurationMs);

/// <summary>
/// One event a subscription owes its receiver (推送记录), stored before the dispatcher returns from the stream's delivery.
/// <see cref="Id"/> is the same for every attempt and replay of the same (issue, version): the receiver's key to drop
/// duplicates. <see cref="Sequence"/> is the order the subscription took them in (the county stream's order).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookDelivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] Guid Id,
    [property: Id(1)] long Sequence,
    [property: Id(2)] IssueEvent Event,
    [property: Id(3)] WebhookDeliveryStatus Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] DateTimeOffset? DeliveredAt,
    [property: Id(7)] int AttemptCount,
    [property: Id(8)] IReadOnlyList<WebhookAttempt> Attempts,
    [property: Id(9)] int Replays = 0);

/// <summary>A page of deliveries, newest first; <see cref="NextCursor"/> reads the older ones.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookDeliveryPage")]
public sealed record WebhookDeliveryPage(
    [property: Id(0)] IReadOnlyList<WebhookDelivery> Items,
    [property: Id(1)] long? NextCursor,
    [property: Id(2)] int Total);

/// <summary>How a subscription is found by its county's dispatcher.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.WebhookRoute")]
public sealed record WebhookRoute(
    [property: Id(0)] string Id,
    [property: Id(1)] string Unit,
    [property: Id(2)] IReadOnlyList<IssueEventKind> Events);
