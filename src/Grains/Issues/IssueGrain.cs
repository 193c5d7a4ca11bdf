using System.Diagnostics;
using GridActors.Grains.Categories;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Queues;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Stats;
using GridActors.Grains.Telemetry;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Issues;

internal sealed partial class IssueGrain(
    [PersistentState("issue", StorageNames.Grains)] IPersistentState<IssueState> state,
    GridClock clock,
    ILogger<IssueGrain> logger) : Grain, IIssueGrain
{
    // A stream notice not confirmed after this long is published again.
    private static readonly TimeSpan RepublishAfter = TimeSpan.FromSeconds(30);
    private readonly Dictionary<Guid, DateTimeOffset> _published = [];
    // Notices already stored in their receivers' inboxes: those in the stored outboxes, and those this activation wrote.
    private readonly HashSet<Guid> _posted = [];

    private Guid Id => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _posted.UnionWith(NoticeIds(state.State));
        // A previous activation may have written notices it never delivered (a crash, a lost stream event).
        if (state.State.Exists && (state.State.Outbox.Count > 0 || state.State.StatsOutbox.Count > 0))
        {
            await Deliver();
        }
    }

    public async Task<IssueOutcome> Report(NewIssue issue)
    {
        var s = state.State;
        if (s.Exists)
        {
            if (issue.Fingerprint is null || issue.Fingerprint != s.Fingerprint)
            {
                return new IssueOutcome(IssueOutcomeStatus.IdempotencyMismatch, null, "Idempotency-Key",
                    "was already used for a different request; send a new key for a new issue");
            }
            // A retry after a failed answer: finish announcing what the first attempt stored.
            await Deliver();
            return IssueOutcome.Done(View());
        }
        var grid = UnitCode.Parse(issue.Grid);
        if (!await GrainFactory.GetUnit(grid).IsRegistered())
        {
            return new IssueOutcome(IssueOutcomeStatus.NotFound, null, "grid", $"No grid {grid} is registered.");
        }
        var category = await GrainFactory.Get<ICategoryCatalogGrain>(grid.County.Value).Get(issue.Category);
        if (category is null)
        {
            return IssueOutcome.Invalid("category", $"is not in the catalogue of county {grid.County}; see GET /api/v1/counties/{grid.County}/categories");
        }
        using var span = StartSpan("issue report");
        var before = Snapshot();
        IssueLifecycle.Report(s, Id, issue, category, clock.GetUtcNow(), TraceId());
        await Commit(before);
        GridTelemetry.Reported.Add(1, new KeyValuePair<string, object?>(GridTelemetry.Category, category.Code));
        if (s.Outbox.Count == 0 && s.StatsOutbox.Count == 0)
        {
            // Announced, and nobody acts on a report for minutes or hours: leave memory now and read the one row back
            // then. Kept until collected, every report outlived a garbage collection, and promoting them made the
            // longest pauses (gen1, 70-90 ms at 3,600 reports a second; 31 ms without). A notice still waiting for its
            // queue's confirmation keeps the issue active until it comes.
            DeactivateOnIdle();
        }
        return IssueOutcome.Done(View(), created: true);
    }

    public async Task<IssueOutcome> Act(IssueCommand command)
    {
        if (!state.State.Exists)
        {
            return new IssueOutcome(IssueOutcomeStatus.NotFound, null);
        }
        if (command.Action == IssueAction.HandDown && command.To is { } to && !await GrainFactory.GetUnit(UnitCode.Parse(to)).IsRegistered())
        {
            return IssueOutcome.Invalid("to", $"no unit {to} is registered");
        }
        if (command.Action == IssueAction.Duplicate && command.Of is { } of)
        {
            if (of == Id)
            {
                return IssueOutcome.Invalid("of", "an issue cannot duplicate itself");
            }
            if (await GrainFactory.GetGrain<IIssueGrain>(of).Get() is null)
            {
                return IssueOutcome.Invalid("of", $"no issue {of} exists");
            }
        }
        var suggested = command.Action == IssueAction.Accept
            ? await PartyGroups.PostSuggestions.ForIssue(GrainFactory, state.State.County, state.State.Category, state.State.OriginGrid)
            : null;
        using var span = StartSpan($"issue {IssueLifecycle.ActionName(command.Action)}");
        var before = Snapshot();
        var refused = IssueLifecycle.Apply(state.State, command, clock.GetUtcNow(), TraceId(), View);
        if (refused is not null)
        {
            span?.SetStatus(ActivityStatusCode.Error, refused.Status.ToString());
            return refused;
        }
        if (suggested is not null)
        {
            state.State.SuggestedPostHolders = [.. suggested];
        }
        await Commit(before);
        return IssueOutcome.Done(View());
    }

    public Task<IssueView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task DeadlinePassed(string unit)
    {
        if (!state.State.Exists || state.State.Holder != unit)
        {
            return;
        }
        // Nobody's request caused this: a new trace, linked to the trace in which the issue was reported.
        Activity.Current = null;
        var links = ActivityContext.TryParse(state.State.OriginTraceParent, null, out var origin) ? new[] { new ActivityLink(origin) } : null;
        using var span = GridTelemetry.Source.StartActivity("issue deadline passed", ActivityKind.Internal, default(ActivityContext), links: links);
        Tag(span);
        var before = Snapshot();
        if (IssueLifecycle.DeadlinePassed(state.State, unit, clock.GetUtcNow(), TraceId()))
        {
            await Commit(before);
        }
    }

    public Task ConfirmNotice(Guid noticeId)
    {
        state.State.Outbox.RemoveAll(n => n.Id == noticeId);
        _published.Remove(noticeId);
        return Task.CompletedTask;
    }

    public Task WakeUp()
    {
        state.State.WakeUpAt = null;
        return state.State.Exists ? Deliver() : Task.CompletedTask;
    }

    /// <summary>What metrics compare a change against.</summary>
    private (UnitLevel Level, bool Open, int History, int Outbox, bool Overdue) Snapshot() =>
        state.State.Exists
            ? (state.State.HolderLevel, state.State.Status.IsOpen(), state.State.History.Count, state.State.Outbox.Count, state.State.Overdue)
            : (UnitLevel.Grid, false, 0, state.State.Outbox.Count, false);

    /// <summary>
    /// Stores a change and announces it. Each escalation event gets its publishing span here, before the write,
    /// so the traceparent stored with the event (and sent again after a restart) names that span.
    /// </summary>
    private async Task Commit((UnitLevel Level, bool Open, int History, int Outbox, bool Overdue) before)
    {
        var parent = Activity.Current;
        var publishing = new List<Activity>();
        var outbox = state.State.Outbox;
        for (var i = before.Outbox; i < outbox.Count; i++)
        {
            if (!outbox[i].ViaStream)
            {
                continue;
            }
            var notice = outbox[i];
            var span = GridTelemetry.Source.StartActivity($"escalation publish {UnitCode.Parse(notice.Unit).Level.Name()}", ActivityKind.Producer);
            Activity.Current = parent;
            if (span is not null)
            {
                Tag(span);
                span.SetTag(GridTelemetry.FromUnit, notice.FromUnit);
                span.SetTag(GridTelemetry.ToUnit, notice.Unit);
                span.SetTag(GridTelemetry.Reason, notice.Reason?.Tag());
                outbox[i] = notice with { TraceParent = span.Id, TraceState = span.TraceStateString };
                publishing.Add(span);
            }
        }
        try
        {
            await Save();
            CountChange(before);
            await Deliver();
        }
        finally
        {
            foreach (var span in publishing)
            {
                span.Dispose();
            }
        }
    }

    private void CountChange((UnitLevel Level, bool Open, int History, int Outbox, bool Overdue) before)
    {
        var s = state.State;
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

    private Activity? StartSpan(string name)
    {
        var span = GridTelemetry.Source.StartActivity(name);
        Tag(span);
        return span;
    }

    private void Tag(Activity? span)
    {
        if (span is null)
        {
            return;
        }
        span.SetTag(GridTelemetry.IssueId, Id.ToString());
        if (state.State.Exists)
        {
            span.SetTag(GridTelemetry.Category, state.State.Category);
            span.SetTag(GridTelemetry.Unit, state.State.Holder);
            span.SetTag(GridTelemetry.Level, state.State.HolderLevel.Tag());
        }
    }

    private static IEnumerable<Guid> NoticeIds(IssueState s) => s.Outbox.Select(n => n.Id).Concat(s.StatsOutbox.Select(n => n.Id));

    /// <summary>
    /// Writes the state and, in the same transaction, each new direct notice into its receiver's inbox: the receiver
    /// applies a notice in memory when it is called and stores it with its next write, not before answering, so the
    /// notice must already be stored where the receiver looks when it activates (docs/escalation.md). Stream notices
    /// stay in the outbox until their queue confirms them.
    /// </summary>
    private async Task Save()
    {
        var s = state.State;
        var rows = GrainRows.Store(this);
        foreach (var notice in s.Outbox)
        {
            if (!notice.ViaStream && !_posted.Contains(notice.Id))
            {
                s.Posts.Add(GrainRows.Post(rows, GrainFactory.Get<IIssueQueueGrain>(notice.Unit).GetGrainId(), notice.Id, notice));
            }
        }
        foreach (var notice in s.StatsOutbox)
        {
            if (!_posted.Contains(notice.Id))
            {
                s.Posts.Add(GrainRows.Post(rows, GrainFactory.Get<IResolutionStatsGrain>(notice.Grid).GetGrainId(), notice.Id, notice with { IssueId = Id }));
            }
        }
        try
        {
            await state.WriteStateAsync();
            _posted.UnionWith(NoticeIds(s));
        }
        catch
        {
            // The in-memory state holds a change that is not stored: drop this activation so the next call
            // starts again from what storage has. The caller gets an error and nothing was half-written.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            s.Posts.Clear();
        }
    }

    /// <summary>
    /// Sends what the outboxes hold. Direct calls are dropped once they return; stream notices stay until the
    /// receiving queue confirms. Whatever is left gets a wake-up, so it is retried even if nobody calls again.
    /// </summary>
    private async Task Deliver()
    {
        var s = state.State;
        var now = clock.GetUtcNow();
        // The notices go to different grains and each is applied by version or id, so they are sent side by side: a
        // report waits for one round of writes at its queue and statistics, not one after the other.
        await Task.WhenAll(s.Outbox.ToArray().Select(notice => Send(notice, now))
            .Concat(s.StatsOutbox.ToArray().Select(Send)));
        if ((s.Outbox.Count > 0 || s.StatsOutbox.Count > 0) && (s.WakeUpAt is not { } wakeUp || wakeUp <= now))
        {
            s.WakeUpAt = now.AddMinutes(1);
            try
            {
                await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.Issue, Id.ToString()), s.WakeUpAt.Value);
            }
            catch (Exception e)
            {
                s.WakeUpAt = null;
                LogDeliveryFailed(logger, e, Id, "scheduler");
                // Neither delivered nor scheduled for a retry: do not acknowledge. The change is stored; the caller
                // gets 503 and its retry (with the same Idempotency-Key) or any later call finishes the delivery: the
                // activation is dropped so that even a read reactivates it, and activation re-sends the outbox.
                DeactivateOnIdle();
                throw;
            }
        }
    }

    private async Task Send(QueueNotice notice, DateTimeOffset now)
    {
        try
        {
            if (notice.ViaStream)
            {
                if (_published.TryGetValue(notice.Id, out var at) && now - at < RepublishAfter)
                {
                    return;
                }
                var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<QueueNotice>(StreamNames.For(notice.Unit));
                await stream.OnNextAsync(notice);
                _published[notice.Id] = now;
            }
            else
            {
                await GrainFactory.Get<IIssueQueueGrain>(notice.Unit).Apply(notice);
                state.State.Outbox.Remove(notice);
            }
        }
        catch (Exception e)
        {
            LogDeliveryFailed(logger, e, Id, notice.Unit);
        }
    }

    private async Task Send(StatsNotice notice)
    {
        try
        {
            await GrainFactory.Get<IResolutionStatsGrain>(notice.Grid).Apply(notice with { IssueId = Id });
            state.State.StatsOutbox.Remove(notice);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(logger, e, Id, notice.Grid);
        }
    }

    private IssueView View() => IssueLifecycle.View(state.State, Id, clock.GetUtcNow());

    private static string? TraceId() => Activity.Current?.TraceId.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issue {IssueId}: a notice to {Target} was not delivered; it stays in the outbox")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid issueId, string target);
}
