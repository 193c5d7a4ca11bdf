using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Feed;
using GridActors.Grains.Issues;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The live feed (动态) of a unit: what happens to the issues reported under it or held by it, as it happens. A long
/// poll rather than a server-sent stream: one plain GET that answers at once with what is new, or waits up to
/// <c>wait</c> seconds for it, works through every proxy and every HTTP client, and the cursor it answers resumes
/// exactly where the last page ended.
/// </summary>
public static class FeedApi
{
    public const int MaxWaitSeconds = 25;

    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Issues");
        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value.InProgramme()))
        {
            api.MapGet($"/{collection}/{{code}}/feed", ([Registered] LevelValue code, string? after, int? limit, int? wait, IGrainFactory grains) =>
                    Read(code, after, limit, wait, grains))
                .ForLevel(level)
                .WithName($"Get{level}Feed")
                .WithSummary($"The live feed of a {level.Name()}")
                .WithDescription("动态: the events of the issues reported under this unit or held by it (reported, accepted, assigned, escalated, handed down, resolved, closed, reopened, rejected, marked duplicate, overdue), oldest first. "
                    + "Without after: the newest events. after = the cursor of the previous answer; wait = seconds (0-25, default 0) to hold the request open until an event arrives; limit 1-200 (default 50). "
                    + "The feed keeps the county's latest 2,000 events in memory: it shows what is happening, the issue's history is the record.");
        }
        return endpoints;
    }

    private static async Task<Results<Ok<FeedResponse>, ValidationProblem>> Read(LevelValue code, string? after, int? limit, int? wait, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > 200)
        {
            errors.Add("limit", "must be from 1 to 200");
        }
        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors.Add("wait", $"must be from 0 to {MaxWaitSeconds} seconds");
        }
        if (after is { Length: > 64 })
        {
            errors.Add("after", "must be a cursor value from a previous answer");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var unit = code.Unit;
        var page = await grains.GetGrain<IIssueFeedGrain>(unit.County.Value).Read(unit.Value, after, limit ?? 50, TimeSpan.FromSeconds(wait ?? 0));
        return TypedResults.Ok(new FeedResponse(page.Events.Select(FeedItemResponse.From).ToArray(), page.Cursor));
    }
}

/// <param name="Cursor">Send it back as <c>after</c> to read what comes next.</param>
public sealed record FeedResponse(IReadOnlyList<FeedItemResponse> Items, string Cursor);

/// <summary>One event of the feed: what happened to which issue, where, by whom.</summary>
public sealed record FeedItemResponse(
    Guid IssueId,
    long Version,
    IssueEventKind Kind,
    DateTimeOffset At,
    string Grid,
    string Unit,
    UnitLevel Level,
    string? FromUnit,
    string Category,
    string Title,
    IssueStatus Status,
    DateTimeOffset? Deadline,
    EscalationReason? Reason,
    Actor? Actor)
{
    public static FeedItemResponse From(IssueEvent e) => new(
        e.IssueId, e.Version, e.Kind, e.At, e.Grid, e.Unit, e.Level, e.FromUnit, e.Category, e.Title, e.Status, e.Deadline, e.Reason, e.Actor);
}
