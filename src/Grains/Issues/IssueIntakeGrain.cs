using System.Diagnostics;
using GridActors.Grains.Categories;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Telemetry;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Storage;

namespace GridActors.Grains.Issues;

/// <summary>
/// Writes a new issue's row, with its notices in the grid's inboxes, as the issue grain would, and then calls the grid's
/// queue and statistics: nobody acts on a report for minutes or hours, so activating the issue only to store it and let
/// it go again cost a placement, a directory entry, a read of a row that cannot exist yet and a deactivation per report.
/// The issue grain stays the only writer of every later change: it reads this row when it first activates. What this
/// grain cannot finish alone it hands to the issue grain: a report that climbs at once (its arrival is a stream notice
/// that waits for the queue's confirmation), an id already stored (a retry with the same Idempotency-Key), a notice
/// whose call failed (the issue sends again what its stored outbox holds, and keeps a wake-up until it gets through).
/// It keeps no state, so its calls interleave: one activation per core takes every report of the process.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed partial class IssueIntakeGrain(GridClock clock, ILogger<IssueIntakeGrain> logger) : Grain, IIssueIntakeGrain
{
    /// <summary>Grids known at most (a province has tens of thousands); past it the set starts over.</summary>
    private const int MaxGridsKnown = 200_000;

    /// <summary>Grids a report was taken at: a unit is never unregistered, so each is asked once.</summary>
    private readonly HashSet<string> _registeredGrids = new(StringComparer.Ordinal);

    private IGrainStateRows? _store;

    /// <summary>The grain storage, looked up once per activation rather than on every report.</summary>
    private IGrainStateRows Store => _store ??= GrainRows.Store(this);

    public async Task<IssueOutcome> Report(Guid id, NewIssue issue)
    {
        var (category, refused) = await Check(GrainFactory, issue, _registeredGrids);
        if (category is null)
        {
            return refused!;
        }
        var issueGrain = GrainFactory.Get<IIssueGrain>(id);
        if ((category.LowestLevel ?? UnitLevel.Grid) > UnitLevel.Grid)
        {
            return await issueGrain.Report(issue);
        }
        using var span = GridTelemetry.Source.StartActivity("issue report");
        span?.SetTag(GridTelemetry.IssueId, id.ToString());
        var now = clock.GetUtcNow();
        var s = new IssueState();
        IssueLifecycle.Report(s, id, issue, category, now, Activity.Current?.TraceId.ToString());
        var store = Store;
        var posts = s.Outbox.Select(notice => IssueNotices.Post(store, GrainFactory, notice))
            .Concat(s.StatsOutbox.Select(notice => IssueNotices.Post(store, GrainFactory, id, notice)))
            .ToList();
        try
        {
            IssueEvents.Trace(s.Events, Activity.Current);
            await store.Write(issueGrain.GetGrainId(), [new RowWrite(IssueGrain.StateName, null, store.Serialize(s))], posts,
                ((IAppendsEvents)s).Appends);
        }
        catch (InconsistentStateException)
        {
            // Stored already: the same Idempotency-Key again. The issue grain answers with the first result, or 422.
            return await issueGrain.Report(issue);
        }
        IssueMetrics.Count(IssueMetrics.Nothing, s);
        var sent = await Task.WhenAll(s.Outbox.Select(notice => Sent(IssueNotices.Send(GrainFactory, notice), id, notice.Unit))
            .Concat(s.StatsOutbox.Select(notice => Sent(IssueNotices.Send(GrainFactory, id, notice), id, notice.Grid))));
        if (sent.Contains(false))
        {
            await issueGrain.WakeUp();
        }
        return IssueOutcome.Done(IssueLifecycle.View(s, id, now), created: true);
    }

    /// <summary>
    /// A report needs a registered grid and a category of its county's catalogue: the category, or why not. Grids in
    /// <paramref name="registered"/> are known to be registered; a grid found registered is added to it.
    /// </summary>
    internal static async Task<(Category? Category, IssueOutcome? Refused)> Check(IGrainFactory grains, NewIssue issue, HashSet<string>? registered = null)
    {
        var grid = UnitCode.Parse(issue.Grid);
        if (registered?.Contains(grid.Value) != true)
        {
            if (!await grains.GetUnit(grid).IsRegistered())
            {
                return (null, new IssueOutcome(IssueOutcomeStatus.NotFound, null, "grid", $"No grid {grid} is registered."));
            }
            if (registered is not null)
            {
                if (registered.Count >= MaxGridsKnown)
                {
                    registered.Clear();
                }
                registered.Add(grid.Value);
            }
        }
        var category = await grains.Get<ICategoryCatalogGrain>(grid.County.Value).Get(issue.Category);
        return category is null
            ? (null, IssueOutcome.Invalid("category", $"is not in the catalogue of county {grid.County}; see GET /api/v1/counties/{grid.County}/categories"))
            : (category, null);
    }

    private async Task<bool> Sent(Task call, Guid issue, string target)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception e)
        {
            LogNotDelivered(logger, e, issue, target);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issue {IssueId}: a notice to {Target} was not delivered at report; the issue sends it again")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, Guid issueId, string target);
}
