using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridActors.Grains.Issues.Events;

namespace GridActors.Grains.Webhooks;

/// <summary>
/// What a receiver gets: the event as JSON (camelCase, enums camelCase as everywhere in the API) and the headers that
/// prove it came from this service. The signature is HMAC-SHA256, keyed by the subscription's secret, of
/// <c>{id}.{timestamp}.{body}</c>, so neither the id (the receiver's key to drop duplicates) nor the time (its guard
/// against an old request sent again) can be changed without breaking it. docs/webhooks.md shows the check.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "GridActors-Webhook-Id";
    public const string TimestampHeader = "GridActors-Webhook-Timestamp";
    public const string SignatureHeader = "GridActors-Webhook-Signature";

    /// <summary>The signature header's scheme prefix, so a later scheme can be sent beside this one.</summary>
    public const string Scheme = "v1=";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A new secret: 32 random bytes, shown to the subscriber once.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The delivery id of (subscription, issue, version): the same for every attempt and replay.</summary>
    public static Guid DeliveryId(string subscription, Guid issue, long version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subscription}:{issue:N}:{version}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    public static string Body(string subscription, Guid delivery, IssueEvent e) => JsonSerializer.Serialize(new WebhookBody(
        delivery, subscription, e.Kind, e.IssueId, e.Version, e.At, e.County, e.Grid, e.Unit, e.Level, e.FromUnit, e.Category,
        e.Title, e.Status, e.Actor, e.Reason, e.Member, e.Satisfaction, e.DuplicateOf, e.Deadline), Json);

    /// <summary>The value of <see cref="SignatureHeader"/>.</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return Scheme + Convert.ToBase64String(mac);
    }
}

/// <summary>The JSON body of a delivery (docs/webhooks.md, "The event body").</summary>
public sealed record WebhookBody(
    Guid Id,
    string SubscriptionId,
    IssueEventKind Kind,
    Guid IssueId,
    long Version,
    DateTimeOffset At,
    string County,
    string Grid,
    string Unit,
    Units.UnitLevel Level,
    string? FromUnit,
    string Category,
    string Title,
    Issues.IssueStatus Status,
    Access.Actor? Actor,
    Issues.EscalationReason? Reason,
    string? Member,
    int? Satisfaction,
    Guid? DuplicateOf,
    DateTimeOffset? Deadline);
