using GridActors.Grains.Access;
using GridActors.Grains.Categories;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Queues;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;

namespace GridActors.Grains.Issues;

/// <summary>
/// The rules of an issue's life, as plain code over <see cref="IssueState"/>: which action is allowed in which
/// state, what the history records, where the issue goes, and which notices the change owes to queues and
/// statistics. The grain adds storage, lookups and delivery; everything here is tested without a silo.
/// </summary>
public static class IssueLifecycle
{
    private static readonly Dictionary<IssueAction, IssueStatus[]> AllowedFrom = new()
    {
        [IssueAction.Accept] = [IssueStatus.Reported, IssueStatus.Reopened],
        [IssueAction.Assign] = [IssueStatus.Accepted, IssueStatus.InProgress],
        [IssueAction.Resolve] = [IssueStatus.Accepted, IssueStatus.InProgress],
        [IssueAction.Escalate] = [IssueStatus.Reported, IssueStatus.Accepted, IssueStatus.InProgress, IssueStatus.Reopened],
        [IssueAction.HandDown] = [IssueStatus.Reported, IssueStatus.Accepted, IssueStatus.InProgress, IssueStatus.Reopened],
        [IssueAction.Close] = [IssueStatus.Resolved],
        [IssueAction.Reopen] = [IssueStatus.Resolved, IssueStatus.Closed],
        [IssueAction.Reject] = [IssueStatus.Reported, IssueStatus.Accepted, IssueStatus.InProgress, IssueStatus.Reopened],
        [IssueAction.Duplicate] = [IssueStatus.Reported, IssueStatus.Accepted, IssueStatus.InProgress, IssueStatus.Reopened],
        [IssueAction.Confirm] = [IssueStatus.Resolved, IssueStatus.Closed],
    };

    /// <summary>
    /// A notice's id. Time-ordered (UUIDv7): the id names the notice's row in the inbox log (docs/escalation.md), so new
    /// notices are appended at its end instead of written all over the table.
    /// </summary>
    private static Guid NoticeId() => Guid.CreateVersion7();

    public static IReadOnlyList<IssueStatus> AllowedStates(IssueAction action) => AllowedFrom[action];

    /// <summary>Starts an issue at its grid; a category whose lowest level is higher climbs there at once (reason rule).</summary>
    public static void Report(IssueState s, Guid id, NewIssue issue, Category category, DateTimeOffset now, string? traceId)
    {
        var grid = UnitCode.Parse(issue.Grid);
        s.Exists = true;
        s.Id = id;
        s.County = grid.County.Value;
        s.OriginGrid = grid.Value;
        s.Category = category.Code;
        s.Title = issue.Title;
        s.Description = issue.Description;
        s.Location = issue.Location;
        s.Reporter = issue.Reporter;
        s.Attachments = [.. issue.Attachments];
        s.Deadlines = category.Deadlines;
        s.Fingerprint = issue.Fingerprint;
        s.ReportedAt = now;
        s.OriginTraceParent = issue.TraceParent;
        s.Survey = issue.Survey;
        ArriveAt(s, grid, now);
        Record(s, now, issue.By, issue.Actor, null, IssueStatus.Reported, null, null, traceId);
        s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), new DayCounters { Reported = 1 }));

        var lowest = category.LowestLevel ?? UnitLevel.Grid;
        var streamArrival = false;
        while (UnitCode.Parse(s.Holder).Level < lowest)
        {
            MoveUp(s, now, issue.By, issue.Actor, $"category {category.Code} starts at the {lowest.Name()}", EscalationReason.Rule, traceId);
            streamArrival = true;
        }
        s.Version++;
        Emit(s, IssueEventKind.Reported, now, issue.Actor, reason: streamArrival ? EscalationReason.Rule : null);
        Notify(s, s.Holder, viaStream: streamArrival, fromUnit: streamArrival ? s.OriginGrid : null,
            reason: streamArrival ? EscalationReason.Rule : null, traceParent: issue.TraceParent);
    }

    /// <summary>
    /// Applies a command. Returns null when done, or the reason it is refused (the state is then untouched).
    /// <paramref name="childRegistered"/> answers whether a hand-down target is a registered unit.
    /// </summary>
    public static IssueOutcome? Apply(IssueState s, IssueCommand c, DateTimeOffset now, string? traceId, Func<IssueView> view)
    {
        if (!AllowedFrom[c.Action].Contains(s.Status))
        {
            return IssueOutcome.Illegal(view(), $"cannot {ActionName(c.Action)} an issue that is {StatusName(s.Status)}; allowed when {string.Join(" or ", AllowedFrom[c.Action].Select(StatusName))}");
        }
        var holder = UnitCode.Parse(s.Holder);
        var from = s.Status;
        switch (c.Action)
        {
            case IssueAction.Accept:
                s.Status = IssueStatus.Accepted;
                break;
            case IssueAction.Assign:
                s.Status = IssueStatus.InProgress;
                s.AssignedMember = c.MemberId;
                break;
            case IssueAction.Resolve:
                s.Status = IssueStatus.Resolved;
                s.ResolutionLevel = holder.Level;
                s.ResolvedAt = now;
                s.ResolvedBy = holder.Value;
                var resolved = new DayCounters();
                resolved.AddResolved(holder.Level, now - s.ReportedAt, +1);
                s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), resolved, ClearOverdue(s)));
                break;
            case IssueAction.Close:
                s.Status = IssueStatus.Closed;
                s.Satisfaction = c.Satisfaction;
                s.ClosedAt = now;
                s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now),
                    new DayCounters { SatisfactionSum = c.Satisfaction ?? 0, SatisfactionCount = 1 }));
                break;
            case IssueAction.Reopen:
                Reopen(s, now);
                break;
            case IssueAction.Reject:
            case IssueAction.Duplicate:
                s.Status = c.Action == IssueAction.Reject ? IssueStatus.Rejected : IssueStatus.Duplicate;
                s.DuplicateOf = c.Of;
                var overdue = ClearOverdue(s);
                if (overdue != 0)
                {
                    s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), new DayCounters(), overdue));
                }
                break;
            case IssueAction.Confirm:
                if (ReporterAnswers(s, c, now, view) is { } refused)
                {
                    return refused;
                }
                break;
            case IssueAction.Escalate:
                if (holder.Parent is null)
                {
                    return IssueOutcome.Illegal(view(), "cannot escalate: the county is the highest level");
                }
                MoveUp(s, now, c.By, c.Actor, c.Note, EscalationReason.Manual, traceId);
                s.Version++;
                Emit(s, IssueEventKind.Escalated, now, c.Actor, holder.Value, EscalationReason.Manual);
                Notify(s, holder.Value, leaves: true);
                Notify(s, s.Holder, viaStream: true, fromUnit: holder.Value, reason: EscalationReason.Manual, traceParent: c.TraceParent);
                return null;
            case IssueAction.HandDown:
                var child = UnitCode.Parse(c.To!);
                if (child.Parent is not { } parent || parent != holder)
                {
                    return IssueOutcome.Invalid("to", $"must be a unit directly under {holder.Level.Name()} {holder}, which holds the issue");
                }
                Record(s, now, c.By, c.Actor, from, IssueStatus.HandedDown, c.Note, null, traceId);
                ArriveAt(s, child, now);
                Record(s, now, c.By, c.Actor, IssueStatus.HandedDown, IssueStatus.Reported, c.Note, null, traceId);
                s.Version++;
                Emit(s, IssueEventKind.HandedDown, now, c.Actor, holder.Value);
                Notify(s, holder.Value, leaves: true);
                Notify(s, s.Holder);
                return null;
        }
        Record(s, now, c.By, c.Actor, from, s.Status, c.Note, null, traceId);
        s.Version++;
        Emit(s, EventOf(c.Action, s.Status), now, c.Actor);
        Notify(s, s.Holder);
        return null;
    }

    /// <summary>
    /// The deadline at the level holding it has passed: escalate (reason deadline), or, at the county, where
    /// nothing is higher, mark it overdue. Returns false when there is nothing to do (it moved, or was settled).
    /// </summary>
    public static bool DeadlinePassed(IssueState s, string unit, DateTimeOffset now, string? traceId)
    {
        if (!s.Exists || s.Holder != unit || !s.Status.IsOpen() || s.Deadline is not { } deadline || deadline > now)
        {
            return false;
        }
        var holder = UnitCode.Parse(s.Holder);
        if (holder.Parent is null)
        {
            if (s.Overdue)
            {
                return false;
            }
            s.Overdue = true;
            s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), new DayCounters(), +1));
            s.Version++;
            Emit(s, IssueEventKind.Overdue, now, Actor.Deadline);
            Notify(s, s.Holder);
            return true;
        }
        MoveUp(s, now, "deadline", Actor.Deadline, $"deadline {deadline:u} passed at the {holder.Level.Name()}", EscalationReason.Deadline, traceId);
        s.Version++;
        Emit(s, IssueEventKind.Escalated, now, Actor.Deadline, holder.Value, EscalationReason.Deadline);
        Notify(s, holder.Value, leaves: true);
        Notify(s, s.Holder, viaStream: true, fromUnit: holder.Value, reason: EscalationReason.Deadline, traceParent: null);
        return true;
    }

    public static IssueView View(IssueState s, Guid id, DateTimeOffset now) => new(
        id, s.County, s.OriginGrid, s.Category, s.Title, s.Description, s.Location, s.Reporter, s.Attachments,
        s.Status, s.Holder, UnitCode.Parse(s.Holder).Level, s.Status.IsOpen() ? s.Deadline : null,
        s.Status.IsOpen() && s.Deadline < now, s.AssignedMember, s.ResolutionLevel, s.ResolvedAt, s.Satisfaction,
        s.DuplicateOf, s.ReportedAt, s.UpdatedAt, s.History.ToArray(), s.Version, s.SuggestedPostHolders, s.Survey,
        s.ReporterAnswers.ToArray());

    public static string StatusName(IssueStatus status) => status switch
    {
        IssueStatus.InProgress => "inProgress",
        IssueStatus.HandedDown => "handedDown",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string ActionName(IssueAction action) => action switch
    {
        IssueAction.HandDown => "hand down",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>The event of an action that leaves the issue <paramref name="status"/> (the reporter's word closes or reopens it).</summary>
    private static IssueEventKind EventOf(IssueAction action, IssueStatus status) => action switch
    {
        IssueAction.Confirm => status == IssueStatus.Reopened ? IssueEventKind.Reopened : IssueEventKind.Closed,
        IssueAction.Accept => IssueEventKind.Accepted,
        IssueAction.Assign => IssueEventKind.Assigned,
        IssueAction.Resolve => IssueEventKind.Resolved,
        IssueAction.Close => IssueEventKind.Closed,
        IssueAction.Reopen => IssueEventKind.Reopened,
        IssueAction.Reject => IssueEventKind.Rejected,
        IssueAction.Duplicate => IssueEventKind.MarkedDuplicate,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "escalate and hand down emit their own events"),
    };

    /// <summary>The change's event, at the version the change stored (docs/event-path.md).</summary>
    private static void Emit(IssueState s, IssueEventKind kind, DateTimeOffset now, Actor? actor, string? fromUnit = null, EscalationReason? reason = null)
    {
        var holder = UnitCode.Parse(s.Holder);
        s.Events.Add(new IssueEvent(s.Id, s.Version, kind, now, s.County, s.OriginGrid, holder.Value, holder.Level, fromUnit,
            s.Category, s.Title, s.Status, actor, reason, s.AssignedMember, s.Satisfaction, s.DuplicateOf,
            s.Status.IsOpen() ? s.Deadline : null));
    }

    private static void MoveUp(IssueState s, DateTimeOffset now, string? by, Actor? actor, string? note, EscalationReason reason, string? traceId)
    {
        var from = UnitCode.Parse(s.Holder);
        var parent = from.Parent!.Value;
        Record(s, now, by, actor, s.Status, IssueStatus.Escalated, note, reason, traceId);
        ArriveAt(s, parent, now);
        Record(s, now, by, actor, IssueStatus.Escalated, IssueStatus.Reported, note, reason, traceId);
        if (parent.Level >= UnitLevel.Township && !s.EscalatedBeyondVillage)
        {
            s.EscalatedBeyondVillage = true;
            s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), new DayCounters { EscalatedBeyondVillage = 1 }));
        }
    }

    private static void ArriveAt(IssueState s, UnitCode unit, DateTimeOffset now)
    {
        s.Holder = unit.Value;
        s.Status = IssueStatus.Reported;
        s.ArrivedAt = now;
        s.Deadline = now + s.Deadlines!.At(unit.Level);
        s.AssignedMember = null;
    }

    private static void Record(IssueState s, DateTimeOffset now, string? by, Actor? actor, IssueStatus? from, IssueStatus to, string? note, EscalationReason? reason, string? traceId)
    {
        var holder = UnitCode.Parse(s.Holder);
        s.History.Add(new HistoryEntry(s.History.Count + 1, now, by, from, to, holder.Value, holder.Level, note, reason, traceId, actor));
        s.UpdatedAt = now;
    }

    private static long ClearOverdue(IssueState s)
    {
        if (!s.Overdue)
        {
            return 0;
        }
        s.Overdue = false;
        return -1;
    }

    /// <summary>
    /// The resolution (and any score) comes back out of the statistics, and the level that resolved it, which still holds
    /// it (resolution never moves an issue), gets it again with a fresh deadline.
    /// </summary>
    private static void Reopen(IssueState s, DateTimeOffset now)
    {
        UndoResolution(s);
        s.Status = IssueStatus.Reopened;
        s.ArrivedAt = now;
        s.Deadline = now + s.Deadlines!.At(UnitCode.Parse(s.Holder).Level);
        s.ResolutionLevel = null;
        s.ResolvedAt = null;
        s.ResolvedBy = null;
        s.Satisfaction = null;
        s.ClosedAt = null;
    }

    private static void UndoResolution(IssueState s)
    {
        if (s.ResolvedAt is { } resolvedAt && s.ResolutionLevel is { } level)
        {
            var undo = new DayCounters();
            undo.AddResolved(level, resolvedAt - s.ReportedAt, -1);
            s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(resolvedAt), undo));
        }
        if (s.ClosedAt is { } closedAt && s.Satisfaction is { } satisfaction)
        {
            s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(closedAt),
                new DayCounters { SatisfactionSum = -satisfaction, SatisfactionCount = -1 }));
        }
    }

    private static void Notify(IssueState s, string unit, bool leaves = false, bool viaStream = false, string? fromUnit = null,
        EscalationReason? reason = null, string? traceParent = null)
    {
        var entry = leaves ? null : new QueueEntry(s.Id, s.Category, s.Title, s.Status, s.OriginGrid, s.ArrivedAt,
            s.Status.IsOpen() ? s.Deadline : null, s.Version);
        s.Outbox.Add(new QueueNotice(NoticeId(), s.Id, unit, s.Version, entry, viaStream, fromUnit, reason, traceParent));
    }

    /// <summary>
    /// The reporter's word on the current resolution (群众评价), once per resolution. Not settled reopens the issue at the
    /// level that resolved it, the first time only: a second "not settled" is recorded and closes the issue with its score,
    /// so a reporter cannot keep an issue open for ever (a handler may still reopen it). Any other answer closes it with the
    /// reporter's score, which replaces a score a handler recorded when closing. A link names the resolution it was made
    /// for (<see cref="IssueCommand.ForResolution"/>): used, or superseded by a later resolution, it is refused as gone.
    /// </summary>
    private static IssueOutcome? ReporterAnswers(IssueState s, IssueCommand c, DateTimeOffset now, Func<IssueView> view)
    {
        var resolution = ReporterAnswer.Current(s.History)!.Value;
        if (c.ForResolution is { } linked && linked != resolution)
        {
            return IssueOutcome.Gone(view(), "this link was made for an earlier resolution of the issue; it was reopened since");
        }
        if (s.ReporterAnswers.FirstOrDefault(a => a.Resolution == resolution) is { } earlier)
        {
            var when = $"{earlier.At:yyyy-MM-dd HH:mm} UTC";
            return c.ForResolution is null
                ? IssueOutcome.Illegal(view(), $"the reporter already answered on this resolution ({when}); each resolution is answered once")
                : IssueOutcome.Gone(view(), $"this link was already used ({when}); it works once");
        }
        var settled = c.Settled ?? true;
        var score = c.Satisfaction!.Value;
        var reopen = !settled && !s.ReporterAnswers.Any(a => a.Reopened);
        s.ReporterAnswers.Add(new ReporterAnswer(settled, score, c.Note, now, resolution, reopen, c.Actor));
        var today = new DayCounters { ReporterAnswers = 1 };
        if (reopen)
        {
            Reopen(s, now);
            today.ReopenedByReporter = 1;
        }
        else if (s.Status == IssueStatus.Resolved || s.ClosedAt is not { } closedAt)
        {
            s.Status = IssueStatus.Closed;
            s.Satisfaction = score;
            s.ClosedAt = now;
            today.SatisfactionSum = score;
            today.SatisfactionCount = 1;
        }
        else
        {
            // Closed by a handler: the reporter's score replaces the handler's on the day it was counted.
            var replaced = new DayCounters { SatisfactionSum = score - (s.Satisfaction ?? 0), SatisfactionCount = s.Satisfaction is null ? 1 : 0 };
            s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(closedAt), replaced));
            s.Satisfaction = score;
        }
        s.StatsOutbox.Add(new StatsNotice(NoticeId(), s.OriginGrid, StatsCalendar.Day(now), today));
        return null;
    }
}
