using System.Diagnostics;
using GridActors.Grains.Categories;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Queues;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Stats;
using GridActors.Grains.Telemetry;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Issues;

internal sealed partial class IssueGrain(
    [PersistentState(IssueGrain.StateName, StorageNames.Grains)] IPersistentState<IssueState> state,
    GridClock clock,
    ILogger<IssueGrain> logger) : Grain, IIssueGrain
{
    /// <summary>The name of an issue's row (<see cref="IssueIntakeGrain"/> writes a new issue's first).</summary>
    internal const string StateName = "issue";

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
        var (category, refused) = await IssueIntakeGrain.Check(GrainFactory, issue);
        if (category is null)
        {
            return refused!;
        }
        using var span = StartSpan("issue report");
        var before = Snapshot();
        IssueLifecycle.Report(s, Id, issue, category, clock.GetUtcNow(), TraceId());
        await Commit(before);
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
            LetGoIfMissing();
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

    public async Task<IssueOutcome> AttachFiles(IReadOnlyList<Attachment> files)
    {
        var s = state.State;
        if (!s.Exists)
        {
            LetGoIfMissing();
            return new IssueOutcome(IssueOutcomeStatus.NotFound, null, Message: $"No issue {Id} exists.");
        }
        // A retried upload (the same Idempotency-Key gives the same file ids): the first result again, or 422 when the
        // key came back with other files.
        var known = files.Where(f => f.FileId is { } id && s.Attachments.Any(a => a.FileId == id)).ToArray();
        if (known.Length > 0)
        {
            return known.Length == files.Count && known.All(f => s.Attachments.Any(a => a.FileId == f.FileId && a.Sha256 == f.Sha256))
                ? IssueOutcome.Done(View())
                : new IssueOutcome(IssueOutcomeStatus.IdempotencyMismatch, null, "Idempotency-Key", "was already used for other files; send a new key for new files");
        }
        if (s.Attachments.Count + files.Count > IssueInput.MaxAttachments)
        {
            return IssueOutcome.Invalid("attachments", $"an issue holds at most {IssueInput.MaxAttachments} attachments; it has {s.Attachments.Count}");
        }
        s.Attachments.AddRange(files);
        s.UpdatedAt = clock.GetUtcNow();
        s.Version++;
        await Save();
        return IssueOutcome.Done(View(), created: true);
    }

    public async Task<bool> LocateIfUnknown(IssueLocation location)
    {
        var s = state.State;
        if (!s.Exists || s.Location is { Lat: not null } or { Address: not null })
        {
            return false;
        }
        s.Location = location;
        s.UpdatedAt = clock.GetUtcNow();
        s.Version++;
        await Save();
        return true;
    }

    public Task<IssueView?> Get()
    {
        LetGoIfMissing();
        return Task.FromResult(state.State.Exists ? View() : null);
    }

    public Task<Reporter?> Reporter()
    {
        // A listener reads this for nearly every report, which the intake stores without activating the issue: kept
        // active by that read, every report would stay in memory until collected again (docs/escalation.md).
        DeactivateOnIdle();
        return Task.FromResult(state.State.Exists ? state.State.Reporter : null);
    }

    public async Task DeadlinePassed(string unit)
    {
        if (!state.State.Exists || state.State.Holder != unit)
        {
            LetGoIfMissing();
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
        LetGoIfMissing();
        state.State.Outbox.RemoveAll(n => n.Id == noticeId);
        _published.Remove(noticeId);
        return Task.CompletedTask;
    }

    public Task WakeUp()
    {
        state.State.WakeUpAt = null;
        LetGoIfMissing();
        return state.State.Exists ? Deliver() : Task.CompletedTask;
    }

    /// <summary>
    /// When the issue has no row, lets this activation go once the current call is answered: the intake
    /// (<see cref="IssueIntakeGrain"/>) stores new issues without this grain, so an activation that read no row must not
    /// stay and answer from that after the row is written.
    /// </summary>
    private void LetGoIfMissing()
    {
        if (!state.State.Exists)
        {
            DeactivateOnIdle();
        }
    }

    private IssueMetrics.Before Snapshot() => IssueMetrics.Of(state.State);

    /// <summary>
    /// Stores a change and announces it. Each escalation event gets its publishing span here, before the write,
    /// so the traceparent stored with the event (and sent again after a restart) names that span.
    /// </summary>
    private async Task Commit(IssueMetrics.Before before)
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
            IssueMetrics.Count(before, state.State);
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
                s.Posts.Add(IssueNotices.Post(rows, GrainFactory, notice));
            }
        }
        foreach (var notice in s.StatsOutbox)
        {
            if (!_posted.Contains(notice.Id))
            {
                s.Posts.Add(IssueNotices.Post(rows, GrainFactory, Id, notice));
            }
        }
        IssueEvents.Trace(s.Events, Activity.Current);
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
            s.Events.Clear();
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
                await IssueNotices.Send(GrainFactory, notice);
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
            await IssueNotices.Send(GrainFactory, Id, notice);
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
