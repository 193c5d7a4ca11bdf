using GridActors.Grains.Telemetry;
using GridActors.Grains.Units;

namespace GridActors.Grains.Issues;

/// <summary>The issue metrics (<see cref="GridTelemetry"/>) a stored change adds to: reported, open by level, escalated, resolved, overdue.</summary>
internal static class IssueMetrics
{
    /// <summary>What a change is compared against: the issue as it was before it.</summary>
    public readonly record struct Before(UnitLevel Level, bool Open, int History, int Outbox, bool Overdue);

    /// <summary>An issue not yet reported.</summary>
    public static readonly Before Nothing = new(UnitLevel.Grid, false, 0, 0, false);

    public static Before Of(IssueState s) =>
        s.Exists ? new(s.HolderLevel, s.Status.IsOpen(), s.History.Count, s.Outbox.Count, s.Overdue) : Nothing with { Outbox = s.Outbox.Count };

    /// <summary>Counts what changed from <paramref name="before"/> to <paramref name="s"/>, once it is stored.</summary>
    public static void Count(Before before, IssueState s)
    {
        if (before.History == 0 && s.History.Count > 0)
        {
            GridTelemetry.Reported.Add(1, new KeyValuePair<string, object?>(GridTelemetry.Category, s.Category));
        }
        var now = s.Status.IsOpen();
        if (before.Open && !(now && before.Level == s.HolderLevel))
        {
            GridTelemetry.Open.Add(-1, new KeyValuePair<string, object?>(GridTelemetry.Level, before.Level.Tag()));
        }
        if (now && !(before.Open && before.Level == s.HolderLevel))
        {
            GridTelemetry.Open.Add(1, new KeyValuePair<string, object?>(GridTelemetry.Level, s.HolderLevel.Tag()));
        }
        for (var i = before.History; i < s.History.Count; i++)
        {
            var entry = s.History[i];
            if (entry.To == IssueStatus.Escalated && i + 1 < s.History.Count)
            {
                var reason = entry.Reason ?? EscalationReason.Manual;
                GridTelemetry.Escalated.Add(1,
                    new KeyValuePair<string, object?>(GridTelemetry.FromLevel, entry.Level.Tag()),
                    new KeyValuePair<string, object?>(GridTelemetry.ToLevel, s.History[i + 1].Level.Tag()),
                    new KeyValuePair<string, object?>(GridTelemetry.Reason, reason.Tag()));
                if (reason == EscalationReason.Deadline)
                {
                    GridTelemetry.Overdue.Add(1, new KeyValuePair<string, object?>(GridTelemetry.Level, entry.Level.Tag()));
                }
            }
            else if (entry.To == IssueStatus.Resolved)
            {
                var level = new KeyValuePair<string, object?>(GridTelemetry.Level, entry.Level.Tag());
                GridTelemetry.Resolved.Add(1, level);
                GridTelemetry.TimeToResolve.Record((entry.At - s.ReportedAt).TotalSeconds, level);
            }
        }
        if (s.Overdue && !before.Overdue)
        {
            GridTelemetry.Overdue.Add(1, new KeyValuePair<string, object?>(GridTelemetry.Level, s.HolderLevel.Tag()));
        }
    }
}
