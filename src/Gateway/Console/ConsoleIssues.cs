using GridActors.Grains.Issues;

namespace GridActors.Gateway.Console;

/// <summary>Issue words as staff read them: statuses and actions in Chinese (or English), and which actions a status allows.</summary>
public static class ConsoleIssues
{
    public static IssueStatus? Status(string? name) =>
        Enum.GetValues<IssueStatus>().Cast<IssueStatus?>().FirstOrDefault(s => IssueLifecycle.StatusName(s!.Value) == name);

    public static string StatusName(string? name, bool english) => Status(name) switch
    {
        IssueStatus.Reported => english ? "Reported" : "待受理",
        IssueStatus.Accepted => english ? "Accepted" : "已受理",
        IssueStatus.InProgress => english ? "In progress" : "办理中",
        IssueStatus.Resolved => english ? "Resolved" : "已办结",
        IssueStatus.Closed => english ? "Closed" : "已评价",
        IssueStatus.Escalated => english ? "Escalated" : "已上报",
        IssueStatus.Rejected => english ? "Rejected" : "不予受理",
        IssueStatus.Duplicate => english ? "Duplicate" : "重复件",
        IssueStatus.Reopened => english ? "Reopened" : "重新办理",
        IssueStatus.HandedDown => english ? "Handed down" : "已交办",
        _ => name ?? "",
    };

    public static string StatusTone(string? name) => Status(name) switch
    {
        IssueStatus.Resolved or IssueStatus.Closed => "ok",
        IssueStatus.Escalated or IssueStatus.Reopened => "warn",
        _ => "",
    };

    /// <summary>The actions the console offers, in the order a grid leader meets them: path, Chinese, English.</summary>
    public static readonly IReadOnlyList<(string Path, IssueAction Action, string Zh, string En)> Actions =
    [
        ("accept", IssueAction.Accept, "受理", "Accept"),
        ("assign", IssueAction.Assign, "分派", "Assign"),
        ("resolve", IssueAction.Resolve, "办结", "Resolve"),
        ("escalate", IssueAction.Escalate, "上报上级", "Escalate"),
        ("hand-down", IssueAction.HandDown, "交办下级", "Hand down"),
        ("duplicate", IssueAction.Duplicate, "标记为重复件", "Mark as duplicate"),
        ("close", IssueAction.Close, "评价并关闭", "Close with satisfaction"),
    ];

    /// <summary>Whether the issue's status allows the action: the lifecycle's own table, not a copy of it.</summary>
    public static bool Allows(string? status, IssueAction action) =>
        Status(status) is { } s && IssueLifecycle.AllowedStates(action).Contains(s);

    /// <summary>The time left to a deadline, or how long it is past, in words.</summary>
    public static (string Text, bool Overdue) Countdown(DateTimeOffset? deadline, DateTimeOffset now, bool english)
    {
        if (deadline is not { } d)
        {
            return ("", false);
        }
        var left = d - now;
        var span = left.Duration();
        var words = span.TotalHours >= 48 ? (english ? $"{span.TotalDays:0} d" : $"{span.TotalDays:0}天")
            : span.TotalMinutes >= 60 ? (english ? $"{span.TotalHours:0} h" : $"{span.TotalHours:0}小时")
            : (english ? $"{Math.Max(1, span.TotalMinutes):0} min" : $"{Math.Max(1, span.TotalMinutes):0}分钟");
        return left >= TimeSpan.Zero ? (english ? $"{words} left" : $"剩余 {words}", false) : (english ? $"{words} overdue" : $"超期 {words}", true);
    }
}
