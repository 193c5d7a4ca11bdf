using System.Diagnostics;
using System.Diagnostics.Metrics;
using GridActors.Grains.Issues;
using GridActors.Grains.Units;

namespace GridActors.Grains.Telemetry;

/// <summary>
/// The project's own activity source and meter, both named <c>GridActors</c>. Spans and metric tags carry
/// issue ids, unit codes, levels, reasons and categories, never personal data (no reporter, no phone).
/// Names and tags are listed in docs/operations.md.
/// </summary>
public static class GridTelemetry
{
    public const string Name = "GridActors";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Reported = Meter.CreateCounter<long>("gridactors.issues.reported", "{issue}", "Issues reported (民情上报), tagged by category.");
    public static readonly Counter<long> Escalated = Meter.CreateCounter<long>("gridactors.issues.escalated", "{issue}", "Escalations (上报), tagged from_level, to_level and reason.");
    public static readonly Counter<long> Resolved = Meter.CreateCounter<long>("gridactors.issues.resolved", "{issue}", "Issues resolved (办结), tagged by the level that resolved them.");
    public static readonly UpDownCounter<long> Open = Meter.CreateUpDownCounter<long>("gridactors.issues.open", "{issue}", "Issues open now, by the level holding them (a gauge summed over processes).");
    public static readonly Histogram<double> TimeToResolve = Meter.CreateHistogram<double>("gridactors.issues.time_to_resolve", "s", "Time from report to resolution, tagged by level.");
    public static readonly Counter<long> Overdue = Meter.CreateCounter<long>("gridactors.issues.overdue", "{issue}", "Deadlines missed at a level (each escalation by deadline, and the county's own).");
    public static readonly Counter<long> ActivityFlags = Meter.CreateCounter<long>("gridactors.party.activity_flags", "{flag}", "Party groups flagged for a month without a collective activity.");
    public static readonly Counter<long> TasksOverdue = Meter.CreateCounter<long>("gridactors.party.tasks_overdue", "{task}", "Tasks handed down (交办) that passed their due date.");

    public const string IssueId = "gridactors.issue.id";
    public const string Category = "gridactors.issue.category";
    public const string Unit = "gridactors.unit.code";
    public const string Level = "gridactors.unit.level";
    public const string FromUnit = "gridactors.escalation.from_unit";
    public const string ToUnit = "gridactors.escalation.to_unit";
    public const string FromLevel = "gridactors.escalation.from_level";
    public const string ToLevel = "gridactors.escalation.to_level";
    public const string Reason = "gridactors.escalation.reason";

    public static string Tag(this UnitLevel level) => level.Name();

    public static string Tag(this EscalationReason reason) => reason.ToString().ToLowerInvariant();
}
