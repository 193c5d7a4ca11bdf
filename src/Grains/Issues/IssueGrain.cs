using System.Diagnostics;
using GridActors.Grains.Categories;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Queues;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Stats;
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

    private Guid Id => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
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
            return issue.Fingerprint is not null && issue.Fingerprint == s.Fingerprint
                ? IssueOutcome.Done(View())
                : new IssueOutcome(IssueOutcomeStatus.IdempotencyMismatch, null, "Idempotency-Key",
                    "was already used for a different request; send a new key for a new issue");
        }
        var grid = UnitCode.Parse(issue.Grid);
        if (!await GrainFactory.GetUnit(grid).IsRegistered())
        {
            return new IssueOutcome(IssueOutcomeStatus.NotFound, null, "grid", $"No grid {grid} is registered.");
        }
        var category = await GrainFactory.GetGrain<ICategoryCatalogGrain>(grid.County.Value).Get(issue.Category);
        if (category is null)
        {
            return IssueOutcome.Invalid("category", $"is not in the catalogue of county {grid.County}; see GET /api/v1/counties/{grid.County}/categories");
        }
        IssueLifecycle.Report(s, Id, issue, category, clock.GetUtcNow(), TraceId());
        await Save();
        await Deliver();
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
        var refused = IssueLifecycle.Apply(state.State, command, clock.GetUtcNow(), TraceId(), View);
        if (refused is not null)
        {
            return refused;
        }
        await Save();
        await Deliver();
        return IssueOutcome.Done(View());
    }

    public Task<IssueView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task DeadlinePassed(string unit)
    {
        if (IssueLifecycle.DeadlinePassed(state.State, unit, clock.GetUtcNow(), TraceId()))
        {
            await Save();
            await Deliver();
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

    private async Task Save()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The in-memory state holds a change that is not stored: drop this activation so the next call
            // starts again from what storage has. The caller gets an error and nothing was half-written.
            DeactivateOnIdle();
            throw;
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
        foreach (var notice in s.Outbox.ToArray())
        {
            try
            {
                if (notice.ViaStream)
                {
                    if (_published.TryGetValue(notice.Id, out var at) && now - at < RepublishAfter)
                    {
                        continue;
                    }
                    var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<QueueNotice>(StreamNames.For(notice.Unit));
                    await stream.OnNextAsync(notice);
                    _published[notice.Id] = now;
                }
                else
                {
                    await GrainFactory.GetGrain<IIssueQueueGrain>(notice.Unit).Apply(notice);
                    s.Outbox.Remove(notice);
                }
            }
            catch (Exception e)
            {
                LogDeliveryFailed(logger, e, Id, notice.Unit);
            }
        }
        foreach (var notice in s.StatsOutbox.ToArray())
        {
            try
            {
                await GrainFactory.GetGrain<IResolutionStatsGrain>(notice.Grid).Apply(notice);
                s.StatsOutbox.Remove(notice);
            }
            catch (Exception e)
            {
                LogDeliveryFailed(logger, e, Id, notice.Grid);
            }
        }
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
            }
        }
    }

    private IssueView View() => IssueLifecycle.View(state.State, Id, clock.GetUtcNow());

    private static string? TraceId() => Activity.Current?.TraceId.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issue {IssueId}: a notice to {Target} was not delivered; it stays in the outbox")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid issueId, string target);
}
