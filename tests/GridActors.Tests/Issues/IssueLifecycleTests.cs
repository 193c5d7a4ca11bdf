using GridActors.Grains.Categories;
using GridActors.Grains.Issues;
using GridActors.Grains.Units;

namespace GridActors.Tests.Issues;

public sealed class IssueLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly Category Dispute = new("neighbour-dispute", "邻里纠纷", new CategoryDeadlines(TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(15), TimeSpan.FromDays(30)));

    private static IssueState Reported(Category? category = null)
    {
        var s = new IssueState();
        IssueLifecycle.Report(s, Guid.NewGuid(), new NewIssue("340822100201003", "neighbour-dispute", "宅基地纠纷", null, null, null, [], null, "董明", null),
            category ?? Dispute, T0, null);
        return s;
    }

    /// <summary>Puts an issue into <paramref name="status"/> by legal steps.</summary>
    private static IssueState In(IssueStatus status)
    {
        var s = Reported();
        IssueCommand[] steps = status switch
        {
            IssueStatus.Reported => [],
            IssueStatus.Accepted => [new(IssueAction.Accept)],
            IssueStatus.InProgress => [new(IssueAction.Accept), new(IssueAction.Assign, MemberId: "m1")],
            IssueStatus.Resolved => [new(IssueAction.Accept), new(IssueAction.Resolve, Note: "done")],
            IssueStatus.Closed => [new(IssueAction.Accept), new(IssueAction.Resolve, Note: "done"), new(IssueAction.Close, Satisfaction: 5)],
            IssueStatus.Rejected => [new(IssueAction.Reject)],
            IssueStatus.Duplicate => [new(IssueAction.Duplicate, Of: Guid.NewGuid())],
            IssueStatus.Reopened => [new(IssueAction.Accept), new(IssueAction.Resolve, Note: "done"), new(IssueAction.Reopen)],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        foreach (var step in steps)
        {
            Assert.Null(IssueLifecycle.Apply(s, step, T0, null, () => IssueLifecycle.View(s, s.Id, T0)));
        }
        Assert.Equal(status, s.Status);
        return s;
    }

    public static TheoryData<IssueAction, IssueStatus> IllegalPairs()
    {
        var data = new TheoryData<IssueAction, IssueStatus>();
        IssueStatus[] reachable = [IssueStatus.Reported, IssueStatus.Accepted, IssueStatus.InProgress, IssueStatus.Resolved, IssueStatus.Closed,
            IssueStatus.Rejected, IssueStatus.Duplicate, IssueStatus.Reopened];
        foreach (var action in Enum.GetValues<IssueAction>())
        {
            foreach (var status in reachable.Where(s => !IssueLifecycle.AllowedStates(action).Contains(s)))
            {
                data.Add(action, status);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IllegalPairs))]
    public void IllegalTransition_IsRefusedNamingTheCurrentState_AndChangesNothing(IssueAction action, IssueStatus status)
    {
        var s = In(status);
        var version = s.Version;
        var history = s.History.Count;
        var refused = IssueLifecycle.Apply(s, new IssueCommand(action, Note: "n", MemberId: "m", To: "340822100201004", Satisfaction: 3, Of: Guid.NewGuid()),
            T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        Assert.NotNull(refused);
        Assert.Equal(IssueOutcomeStatus.IllegalTransition, refused.Status);
        Assert.Contains($"that is {IssueLifecycle.StatusName(status)}", refused.Message);
        Assert.Equal(version, s.Version);
        Assert.Equal(history, s.History.Count);
    }

    [Fact]
    public void Report_StartsAtTheGrid_WithTheGridDeadline()
    {
        var s = Reported();
        Assert.Equal(IssueStatus.Reported, s.Status);
        Assert.Equal("340822100201003", s.Holder);
        Assert.Equal(T0.AddDays(3), s.Deadline);
        var entry = Assert.Single(s.History);
        Assert.Equal((null, IssueStatus.Reported, UnitLevel.Grid, "董明"), (entry.From, entry.To, entry.Level, entry.By));
        Assert.Single(s.Outbox, n => n.Unit == "340822100201003" && !n.ViaStream && !n.Leaves);
    }

    [Fact]
    public void Report_InACategoryThatStartsAtTheVillage_ClimbsThereByRule()
    {
        var s = Reported(Dispute with { LowestLevel = UnitLevel.Village });
        Assert.Equal("340822100201", s.Holder);
        Assert.Equal(T0.AddDays(7), s.Deadline);
        Assert.Equal([IssueStatus.Reported, IssueStatus.Escalated, IssueStatus.Reported], s.History.Select(h => h.To));
        Assert.Equal(EscalationReason.Rule, s.History[1].Reason);
        var arrival = Assert.Single(s.Outbox);
        Assert.True(arrival.ViaStream);
        Assert.Equal(EscalationReason.Rule, arrival.Reason);
    }

    [Fact]
    public void Escalate_FromTheCounty_IsRefused()
    {
        var s = Reported();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Escalate, Note: "up"), T0, null, () => IssueLifecycle.View(s, s.Id, T0)));
        }
        Assert.Equal("340822", s.Holder);
        var refused = IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Escalate, Note: "up"), T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        Assert.Equal(IssueOutcomeStatus.IllegalTransition, refused!.Status);
        Assert.Contains("highest level", refused.Message);
    }

    [Fact]
    public void HandDown_ToAUnitThatIsNotADirectChild_IsInvalid()
    {
        var s = Reported();
        IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Escalate, Note: "up"), T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        var refused = IssueLifecycle.Apply(s, new IssueCommand(IssueAction.HandDown, Note: "办理", To: "340822100202001"), T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        Assert.Equal(IssueOutcomeStatus.Invalid, refused!.Status);
        Assert.Equal("to", refused.Field);
    }

    [Fact]
    public void DeadlinePassed_Escalates_AndAtTheCountyMarksOverdueOnce()
    {
        var s = Reported();
        var now = T0;
        foreach (var level in new[] { UnitLevel.Village, UnitLevel.Township, UnitLevel.County })
        {
            now = s.Deadline!.Value;
            Assert.True(IssueLifecycle.DeadlinePassed(s, s.Holder, now, null));
            Assert.Equal(level, s.HolderLevel);
            Assert.Equal(EscalationReason.Deadline, s.History[^1].Reason);
        }
        now = s.Deadline!.Value;
        Assert.True(IssueLifecycle.DeadlinePassed(s, s.Holder, now, null));
        Assert.True(s.Overdue);
        Assert.False(IssueLifecycle.DeadlinePassed(s, s.Holder, now, null));
        Assert.False(IssueLifecycle.DeadlinePassed(s, "340822100201003", now, null));
    }

    [Fact]
    public void DeadlinePassed_BeforeTheDeadline_OrWhenResolved_DoesNothing()
    {
        var s = Reported();
        Assert.False(IssueLifecycle.DeadlinePassed(s, s.Holder, T0.AddDays(2), null));
        IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Accept), T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Resolve, Note: "ok"), T0, null, () => IssueLifecycle.View(s, s.Id, T0));
        Assert.False(IssueLifecycle.DeadlinePassed(s, s.Holder, T0.AddDays(4), null));
    }

    [Fact]
    public void History_IsOnlyAppended()
    {
        var s = In(IssueStatus.Closed);
        var before = s.History.ToArray();
        IssueLifecycle.Apply(s, new IssueCommand(IssueAction.Reopen), T0.AddDays(1), null, () => IssueLifecycle.View(s, s.Id, T0));
        Assert.Equal(before, s.History.Take(before.Length));
        Assert.Equal(IssueStatus.Reopened, s.History[^1].To);
        Assert.Equal(Enumerable.Range(1, s.History.Count), s.History.Select(h => h.Sequence));
    }
}
