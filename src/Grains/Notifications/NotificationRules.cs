using GridActors.Grains.Issues.Events;

namespace GridActors.Grains.Notifications;

/// <summary>
/// The rules of notifications that need no cluster: who is told of which event, quiet hours, the hourly cap, the
/// backoff, the texts. Kept apart from the grains so each is tested with plain values.
/// </summary>
public static class NotificationRules
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>The kinds a reporter is told of (the event's kind → the notification's).</summary>
    public static NotificationKind? ForReporter(IssueEvent e) => e.Kind switch
    {
        IssueEventKind.Reported => NotificationKind.Received,
        IssueEventKind.Accepted => NotificationKind.Accepted,
        IssueEventKind.Resolved => NotificationKind.Resolved,
        IssueEventKind.Closed => NotificationKind.Closed,
        _ => null,
    };

    /// <summary>The unit whose handlers are told, and what: a report to its grid, an escalation or hand-down to the new unit.</summary>
    public static (string Unit, NotificationKind Kind)? ForHandlers(IssueEvent e) => e.Kind switch
    {
        // A category that starts above the grid is reported straight to that unit: its staff are told, as of an escalation.
        IssueEventKind.Reported => (e.Unit, e.Unit == e.Grid ? NotificationKind.Reported : NotificationKind.Escalated),
        IssueEventKind.Escalated => (e.Unit, NotificationKind.Escalated),
        IssueEventKind.HandedDown => (e.Unit, NotificationKind.HandedDown),
        _ => null,
    };

    /// <summary>The unit that missed a deadline, told so: the one an issue climbed from, or the top that holds it overdue.</summary>
    public static string? MissedDeadline(IssueEvent e) => e switch
    {
        { Kind: IssueEventKind.Escalated, Reason: Issues.EscalationReason.Deadline, FromUnit: { } from } => from,
        { Kind: IssueEventKind.Overdue } => e.Unit,
        _ => null,
    };

    /// <summary>Whether <paramref name="at"/> falls in quiet hours, and if so when they end.</summary>
    public static DateTimeOffset? QuietUntil(NotificationSettings settings, DateTimeOffset at)
    {
        var from = TimeOnly.Parse(settings.QuietFrom, System.Globalization.CultureInfo.InvariantCulture);
        var until = TimeOnly.Parse(settings.QuietUntil, System.Globalization.CultureInfo.InvariantCulture);
        if (from == until)
        {
            return null;
        }
        var local = at.ToOffset(China);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = from < until ? time >= from && time < until : time >= from || time < until;
        if (!quiet)
        {
            return null;
        }
        var end = new DateTimeOffset(DateOnly.FromDateTime(local.DateTime).ToDateTime(until), China);
        return end > local ? end.ToUniversalTime() : end.AddDays(1).ToUniversalTime();
    }

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: doubling from the first delay, up to the most.</summary>
    public static TimeSpan Backoff(NotificationSettings settings, int attempts)
    {
        var delay = settings.FirstRetryDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        return delay > settings.MaxRetryDelay ? settings.MaxRetryDelay : delay;
    }

    /// <summary>
    /// Whether one more message to a person sent at <paramref name="sent"/> (times of the last hour) stays within the
    /// cap; when not, the time the oldest of them leaves the hour.
    /// </summary>
    public static DateTimeOffset? CappedUntil(NotificationSettings settings, IReadOnlyList<DateTimeOffset> sent, DateTimeOffset now)
    {
        var inHour = sent.Where(s => s > now.AddHours(-1)).Order().ToList();
        return inHour.Count < settings.CapPerHour ? null : inHour[inHour.Count - settings.CapPerHour].AddHours(1);
    }

    /// <summary>Whether an issue in <paramref name="status"/> still waits on its holder (so a deadline can approach).</summary>
    public static bool Waiting(Issues.IssueStatus status) =>
        status is not (Issues.IssueStatus.Resolved or Issues.IssueStatus.Closed or Issues.IssueStatus.Rejected or Issues.IssueStatus.Duplicate);

    /// <summary>The text of a notification: short enough for one SMS, and naming no person.</summary>
    public static string Text(NotificationKind kind, string title, string category, DateTimeOffset? deadline) => kind switch
    {
        NotificationKind.Reported => $"网格新事件：{title}（{category}），请及时处理。",
        NotificationKind.Escalated => $"事件上报至本级：{title}（{category}），请及时处理。",
        NotificationKind.HandedDown => $"事件交办至本级：{title}（{category}），请及时处理。",
        NotificationKind.DeadlineApproaching => $"事件即将超期：{title}，期限 {Local(deadline)}。",
        NotificationKind.DeadlinePassed => $"事件已超期：{title}。",
        NotificationKind.Received => $"您反映的“{title}”已收到，我们会尽快处理。",
        NotificationKind.Accepted => $"您反映的“{title}”已受理。",
        NotificationKind.Resolved => $"您反映的“{title}”已办结，欢迎评价。",
        NotificationKind.Closed => $"您反映的“{title}”已归档，感谢您的反映。",
        _ => title,
    };

    private static string Local(DateTimeOffset? at) =>
        at is { } t ? t.ToOffset(China).ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// The channels a person gets a kind on: their own choice (an empty list opts out), else the default: staff get the
    /// console inbox and every channel they gave an address for; grid staff and reporters, who have no console, an SMS.
    /// </summary>
    public static IReadOnlyList<NotificationChannel> Channels(NotificationProfile profile, RecipientRole role, NotificationKind kind)
    {
        if (profile.Channels.TryGetValue(kind, out var chosen))
        {
            return chosen;
        }
        if (role != RecipientRole.Staff)
        {
            return [NotificationChannel.Sms];
        }
        var channels = new List<NotificationChannel> { NotificationChannel.Inbox };
        if (profile.Phone is not null)
        {
            channels.Add(NotificationChannel.Sms);
        }
        if (profile.Email is not null)
        {
            channels.Add(NotificationChannel.Email);
        }
        return channels;
    }
}
