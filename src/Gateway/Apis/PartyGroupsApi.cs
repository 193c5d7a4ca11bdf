using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Party groups (网格党小组): one per grid, with leader, activity centre and two instructors; counts at village,
/// township and county; post coverage per village; monthly collective activities (集中活动).
/// </summary>
public static class PartyGroupsApi
{
    public static IEndpointRouteBuilder MapPartyGroupsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Party groups").AnswersConflict();
        api.MapPut("/grids/{code}/party-group", PutGroup)
            .HonoursIfMatch()
            .WithName("PutPartyGroup")
            .WithSummary("Set up or update a grid's Party group")
            .WithDescription("网格党小组: leaderId (党小组组长, a member of this grid, present in the village), activityCenter (活动中心: address, atLeaderHome) and exactly two "
                + "instructors (指导员: name, phone, unit): one cadre of the township Party committee (unit = the township's code) and one of the village branch "
                + "(unit = the village's code), who may name their record instead of a name (cadre: name, and term, the latest when left out; 400 when the "
                + "village's term has no such cadre). 201 when set up, 200 when updated; 400 naming the rule broken; 412 when If-Match names an older version.");
        api.MapGet("/grids/{code}/party-group", GetGroup)
            .AddEndpointFilter(ETags.NotModified)
            .Produces(StatusCodes.Status304NotModified)
            .WithName("GetPartyGroup")
            .WithSummary("Read a grid's Party group")
            .WithDescription("网格党小组: leader, activity centre, instructors (指导员), members with status, office (无职党员 when holdsOffice is false), post and card tags, "
                + "the eight posts (八大岗位) with holders and the uncovered ones, this month's activities and the months flagged for none.");
        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value != UnitLevel.Grid))
        {
            api.MapGet($"/{collection}/{{code}}/party-group", (LevelValue code, string? month, IGrainFactory grains, GridClock clock) => GetSummary(code, month, grains, clock))
                .ForLevel(level)
                .WithName($"Get{level}PartyGroupSummary")
                .WithSummary($"Count the Party groups and members under a {level.Name()}")
                .WithDescription("党建网 counts: grids, groups set up and grids without one, instructors, members by status (resident / migrant 外出务工 / elderly / other), "
                    + "members holding no office (无职党员), post holders and posts covered of 8 per group, groups with every post covered, and for month=YYYY-MM "
                    + "(default this month) groups that held an activity and groups flagged for none. Above the village the counts are pushed up from the grids "
                    + "(one read whatever the number of grids; a change shows after the push, within about a second per level).");
        }
        api.MapGet("/villages/{code}/post-coverage", GetPostCoverage)
            .WithName("GetVillagePostCoverage")
            .WithSummary("Which posts are uncovered in which grids of a village")
            .WithDescription("八大岗位 coverage: for each grid of the village, the holders of each of the eight posts and the posts nobody holds.");
        api.MapPost("/grids/{code}/party-group/activities", RecordActivity)
            .HonoursIdempotencyKey()
            .WithName("RecordPartyGroupActivity")
            .WithSummary("Record a collective activity")
            .WithDescription("集中活动: date (not in the future, within the last year), kind (policyStudy 政策学习 | contactingResidents 联系群众 | service 志愿服务), topic, "
                + "attendees (member ids of this group), guests (names), notes. Each group holds at least one a month; at each month's end a group with none "
                + "is flagged to its village branch and township committee. An Idempotency-Key makes a retry return the first record.");
        api.MapGet("/grids/{code}/party-group/activities", ListActivities)
            .WithName("ListPartyGroupActivities")
            .WithSummary("List a group's collective activities")
            .WithDescription("集中活动 of a month (month=YYYY-MM) or all, by date, with attendance.");
        return endpoints;
    }

    private static async Task<Results<Ok<PartyGroupResponse>, Created<PartyGroupResponse>, ValidationProblem, ProblemHttpResult>> PutGroup(
        [Registered] GridValue code, PartyGroupInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var setup = body.Validate(grid, errors);
        if (!ETags.TryParseIfMatch(http.Request, out var expected))
        {
            errors.Add("If-Match", "must be an ETag given by this API, such as \"3\"");
        }
        if (setup is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.GetPartyGroup(grid).SetUp(setup, expected);
        if (result.Value is { } group)
        {
            ETags.Set(http.Response, group.Version);
        }
        return result is { Status: PartyStatus.Done, Created: false }
            ? TypedResults.Ok(PartyGroupResponse.From(result.Value!))
            : Answer(result, PartyGroupResponse.From, http, _ => $"/api/v1/grids/{grid}/party-group");
    }

    private static async Task<Results<Ok<PartyGroupResponse>, ValidationProblem, ProblemHttpResult>> GetGroup(GridValue code, HttpContext http, IGrainFactory grains)
    {
        GridCode grid = code;
        var group = await grains.GetPartyGroup(grid).Get();
        if (group is null)
        {
            return await grains.GetGrid(grid).IsRegistered()
                ? Problems.NotFound($"No Party group is set up for grid {grid}; PUT /api/v1/grids/{grid}/party-group.")
                : RouteChecks.NotRegistered(code.Unit);
        }
        ETags.Set(http.Response, group.Version);
        return TypedResults.Ok(PartyGroupResponse.From(group));
    }

    private static async Task<Results<Ok<PartySummary>, ValidationProblem, ProblemHttpResult>> GetSummary(
        LevelValue code, string? month, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var m = Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var summary = await grains.GetGrain<IPartyRollupGrain>(0).Summary(code.Unit, m);
        return summary is null ? RouteChecks.NotRegistered(code.Unit) : TypedResults.Ok(summary);
    }

    private static async Task<Results<Ok<ListResponse<GridPostCoverage>>, ValidationProblem, ProblemHttpResult>> GetPostCoverage(
        VillageValue code, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var coverage = await grains.GetGrain<IPartyRollupGrain>(0).PostCoverage(code.Unit);
        return coverage is null ? RouteChecks.NotRegistered(code.Unit) : TypedResults.Ok(paging.Of(coverage));
    }

    private static async Task<Results<Ok<ActivityResponse>, Created<ActivityResponse>, ValidationProblem, ProblemHttpResult>> RecordActivity(
        [Registered] GridValue code, ActivityInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = IdempotencyKey(http, errors);
        var activity = body.Validate(Today(clock), errors);
        if (activity is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        activity = activity with { Id = NewId($"activity/{grid}", key), RecordedAt = clock.GetUtcNow(), Actor = http.Caller().Actor };
        var result = await grains.GetPartyGroup(grid).RecordActivity(activity with { Fingerprint = Fingerprint(activity with { RecordedAt = default }) });
        return Answer(result, ActivityResponse.From, http, a => $"/api/v1/grids/{grid}/party-group/activities?month={PartyMonth.Of(a.Date)}");
    }

    private static async Task<Results<Ok<ListResponse<ActivityResponse>>, ValidationProblem, ProblemHttpResult>> ListActivities(
        [Registered] GridValue code, string? month, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        PartyMonth? m = month is null ? null : Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var activities = await grains.GetPartyGroup(grid).Activities(m);
        return activities is null
            ? Problems.NotFound($"No Party group is set up for grid {grid}.")
            : TypedResults.Ok(paging.Of(activities.Select(ActivityResponse.From).ToArray()));
    }
}

public sealed record LeaderResponse(Guid MemberId, string Name);

/// <summary>A Party group as the API shows it (members without phones).</summary>
public sealed record PartyGroupResponse(
    string Grid,
    LeaderResponse Leader,
    ActivityCenter ActivityCenter,
    IReadOnlyList<Instructor> Instructors,
    IReadOnlyList<RosterEntry> Members,
    IReadOnlyList<PostCoverage> Posts,
    IReadOnlyList<Post> UncoveredPosts,
    int ActivitiesThisMonth,
    DateOnly? LastActivityOn,
    IReadOnlyList<string> FlaggedMonths,
    long Version,
    DateTimeOffset SetUpAt,
    DateTimeOffset UpdatedAt)
{
    public static PartyGroupResponse From(PartyGroupView g) => new(g.Grid, new LeaderResponse(g.LeaderId, g.LeaderName), g.ActivityCenter, g.Instructors, g.Members,
        g.Posts, g.UncoveredPosts, g.ActivitiesThisMonth, g.LastActivityOn, g.FlaggedMonths, g.Version, g.SetUpAt, g.UpdatedAt);
}

public sealed record ActivityResponse(Guid Id, DateOnly Date, ActivityKind Kind, string Topic, IReadOnlyList<Guid> Attendees, int Attendance,
    IReadOnlyList<string> Guests, string? Notes, DateTimeOffset RecordedAt, string? By, Actor? Actor)
{
    public static ActivityResponse From(GroupActivity a) =>
        new(a.Id, a.Date, a.Kind, a.Topic, a.Attendees, a.Attendees.Count, a.Guests, a.Notes, a.RecordedAt, a.By, a.Actor);
}
