namespace GridActors.Grains.Notifications;

/// <summary>What a notification (通知) tells its recipient; ids never renumbered.</summary>
public enum NotificationKind
{
    /// <summary>To a grid's leader and workers: a new issue in their grid (新事件).</summary>
    Reported = 0,
    /// <summary>To a unit's staff: an issue escalated to their unit (上报至本级).</summary>
    Escalated = 1,
    /// <summary>To a unit's staff: an issue handed down to their unit (交办至本级).</summary>
    HandedDown = 2,
    /// <summary>To the holding unit's staff: the deadline is near (即将超期).</summary>
    DeadlineApproaching = 3,
    /// <summary>To the unit that missed it: the deadline passed (已超期), the issue escalated or is overdue at the top.</summary>
    DeadlinePassed = 4,
    /// <summary>To the reporter: the report was received (已受理登记).</summary>
    Received = 5,
    /// <summary>To the reporter: a unit accepted the issue (已受理).</summary>
    Accepted = 6,
    /// <summary>To the reporter: the issue was resolved (已办结).</summary>
    Resolved = 7,
    /// <summary>To the reporter: the issue was closed (已评价归档).</summary>
    Closed = 8,
}

/// <summary>How a notification travels; ids never renumbered.</summary>
public enum NotificationChannel
{
    Sms = 0,
    Email = 1,
    /// <summary>The console's own inbox (站内消息) of a staff account.</summary>
    Inbox = 2,
}

/// <summary>Where a notification is; ids never renumbered.</summary>
public enum NotificationState
{
    /// <summary>Owed, not tried yet.</summary>
    Pending = 0,
    /// <summary>Waiting for the end of quiet hours or for the person's hourly cap to free.</summary>
    Held = 1,
    /// <summary>Accepted by the channel (the gateway answered 2xx, the SMTP server took the message, the inbox stored it).</summary>
    Sent = 2,
    /// <summary>The channel failed in a way that may pass (timeout, 5xx, connection refused); tried again with backoff.</summary>
    Retrying = 3,
    /// <summary>Given up: refused by the channel (4xx) or still failing after the last attempt.</summary>
    Failed = 4,
    /// <summary>Not sent on purpose: the person opted out of this kind on this channel, or has no address for it.</summary>
    Skipped = 5,
}

/// <summary>Who receives a notification (接收人): what they are to the issue, and how they are known.</summary>
public enum RecipientRole
{
    /// <summary>网格长.</summary>
    GridLeader = 0,
    /// <summary>网格员.</summary>
    GridWorker = 1,
    /// <summary>A staff account of the unit (工作人员).</summary>
    Staff = 2,
    /// <summary>The resident who reported the issue (反映人).</summary>
    Reporter = 3,
}

/// <summary>
/// One notification of an issue, as stored with the issue's notifications: whom, how, what, and where it is now.
/// <see cref="Address"/> (a phone or an email address) is personal data: masked for callers who may not see the
/// issue's reporter, and never written to logs.
/// </summary>
/// <param name="Person">The key the person's preferences and hourly cap are kept under (never a phone number).</param>
[GenerateSerializer, Immutable, Alias("GridActors.Notification")]
public sealed record Notification(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid IssueId,
    [property: Id(2)] long Version,
    [property: Id(3)] NotificationKind Kind,
    [property: Id(4)] NotificationChannel Channel,
    [property: Id(5)] RecipientRole Role,
    [property: Id(6)] string Person,
    [property: Id(7)] string Name,
    [property: Id(8)] string? Address,
    [property: Id(9)] string Text,
    [property: Id(10)] NotificationState State,
    [property: Id(11)] int Attempts,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? NextAttemptAt,
    [property: Id(14)] DateTimeOffset? SentAt,
    [property: Id(15)] string? Error,
    [property: Id(16)] string Unit);

/// <summary>One item of a staff member's console inbox (站内消息).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.InboxItem")]
public sealed record InboxItem(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid IssueId,
    [property: Id(2)] NotificationKind Kind,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] bool Read);

/// <summary>A page of an inbox, newest first, with the count not read yet (the console's badge).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.InboxPage")]
public sealed record InboxPage([property: Id(0)] IReadOnlyList<InboxItem> Items, [property: Id(1)] int Unread);

/// <summary>
/// A person's notification settings (通知设置): contact addresses, and per kind the channels wanted (an empty list
/// opts out of that kind). Kinds not listed use the defaults of docs/notifications.md.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.NotificationProfile")]
public sealed record NotificationProfile(
    [property: Id(0)] string? Phone,
    [property: Id(1)] string? Email,
    [property: Id(2)] IReadOnlyDictionary<NotificationKind, IReadOnlyList<NotificationChannel>> Channels)
{
    public static readonly NotificationProfile Empty = new(null, null, new Dictionary<NotificationKind, IReadOnlyList<NotificationChannel>>());
}
