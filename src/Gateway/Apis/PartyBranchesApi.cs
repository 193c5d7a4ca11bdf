using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyBranches;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Village branches (村党支部) and township committees (乡镇党委): the monthly activity compliance of their groups,
/// the warnings raised to them, and the branch committee meetings group leaders attend without a vote (列席).
/// </summary>
public static class PartyBranchesApi
{
    public static IEndpointRouteBuilder MapPartyBranchesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Party branches").AnswersConflict();
        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value is UnitLevel.Village or UnitLevel.Township))
        {
            api.MapGet($"/{collection}/{{code}}/activity-compliance", ([Registered] LevelValue code, string? month, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock) =>
                    GetCompliance(code, month, paging, grains, clock))
                .ForLevel(level)
                .WithName($"Get{level}ActivityCompliance")
                .WithSummary($"Who held what collective activity in a month, per grid of a {level.Name()}")
                .WithDescription("集中活动 compliance for month=YYYY-MM (default this month): each grid's status (held | missing | pending while the month runs | notDue | notSetUp), "
                    + "whether the end-of-month check flagged it, and its activities with attendance.");
            api.MapGet($"/{collection}/{{code}}/party-warnings", ([Registered] LevelValue code, string? month, EnumValue<PartyWarningKind>? kind, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock) =>
                    ListWarnings(code, month, kind, paging, grains, clock))
                .ForLevel(level)
                .WithName($"List{level}PartyWarnings")
                .WithSummary($"List the warnings raised to a {level.Name()}")
                .WithDescription("预警: noMonthlyActivity (raised by the end-of-month check to the village branch and the township committee) and taskOverdue (raised to the "
                    + "village branch when a task's due day ends with a group's share not done); month=YYYY-MM and kind filter.");
        }
        api.MapPost("/villages/{code}/branch-meetings", RecordMeeting)
            .HonoursIdempotencyKey()
            .WithName("RecordBranchMeeting")
            .WithSummary("Record a branch committee meeting")
            .WithDescription("支委会议: date, topic, attendees (committee members: name, role), groupLeaders (member ids of Party group leaders of this village attending "
                + "without a vote, 列席支委会议; each must lead a group now), notes. An Idempotency-Key makes a retry return the first record.");
        api.MapGet("/villages/{code}/branch-meetings", ListMeetings)
            .WithName("ListBranchMeetings")
            .WithSummary("List a year's branch committee meetings")
            .WithDescription("支委会议 of year=YYYY (default this year), by date, with voting attendees and non-voting group leaders (列席).");
        api.MapGet("/villages/{code}/branch-meetings/attendance", GetAttendance)
            .WithName("GetBranchMeetingAttendance")
            .WithSummary("Count group leaders' attendance at branch committee meetings")
            .WithDescription("列席支委会议: for each grid of the village, its group's current leader and how many of the year's meetings its leader attended.");
        return endpoints;
    }

    private static async Task<Results<Ok<ListResponse<ComplianceRow>>, ValidationProblem, ProblemHttpResult>> GetCompliance(
        LevelValue code, string? month, Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var m = Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var rows = await grains.GetGrain<IPartyRollupGrain>(0).Compliance(code.Unit, m);
        return rows is null ? RouteChecks.NotRegistered(code.Unit) : TypedResults.Ok(paging.Of(rows));
    }

    private static async Task<Results<Ok<ListResponse<PartyWarning>>, ValidationProblem, ProblemHttpResult>> ListWarnings(
        LevelValue code, string? month, EnumValue<PartyWarningKind>? kind, Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        PartyMonth? m = month is null ? null : Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var k = kind?.Value;
        IReadOnlyList<PartyWarning> warnings = code.Level == UnitLevel.Village
            ? await grains.GetGrain<IVillageBranchGrain>(code.Unit.Value).Warnings(m, k)
            : (await grains.GetGrain<ITownshipCommitteeGrain>(code.Unit.Value).Warnings(m)).Where(w => k is null || w.Kind == k).ToArray();
        return TypedResults.Ok(paging.Of(warnings));
    }

    private static async Task<Results<Ok<MeetingResponse>, Created<MeetingResponse>, ValidationProblem, ProblemHttpResult>> RecordMeeting(
        [Registered] VillageValue code, MeetingInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var key = IdempotencyKey(http, errors);
        var meeting = body.Validate(Today(clock), errors);
        if (meeting is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        meeting = meeting with { Id = NewId($"branch-meeting/{village}", key), Actor = http.Caller().Actor };
        meeting = meeting with { Fingerprint = Fingerprint(meeting), RecordedAt = clock.GetUtcNow() };
        var result = await grains.GetGrain<IVillageBranchGrain>(village.ToString()).RecordMeeting(meeting);
        return Answer(result, MeetingResponse.From, http, m => $"/api/v1/villages/{village}/branch-meetings?year={m.Date.Year}");
    }

    private static async Task<Results<Ok<ListResponse<MeetingResponse>>, ValidationProblem, ProblemHttpResult>> ListMeetings(
        [Registered] VillageValue code, int? year, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        if (year is < 2000 or > 9999)
        {
            errors.Add("year", "must be a year such as 2026");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var meetings = await grains.GetGrain<IVillageBranchGrain>(village.ToString()).Meetings(year ?? Today(clock).Year);
        return TypedResults.Ok(paging.Of(meetings.Select(MeetingResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<ListResponse<LeaderAttendance>>, ValidationProblem, ProblemHttpResult>> GetAttendance(
        [Registered] VillageValue code, int? year, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        if (year is < 2000 or > 9999)
        {
            errors.Add("year", "must be a year such as 2026");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return TypedResults.Ok(paging.Of(await grains.GetGrain<IVillageBranchGrain>(village.ToString()).Attendance(year ?? Today(clock).Year)));
    }
}

public sealed record MeetingResponse(Guid Id, DateOnly Date, string Topic, IReadOnlyList<MeetingAttendee> Attendees, IReadOnlyList<NonVotingAttendee> GroupLeaders,
    string? Notes, DateTimeOffset RecordedAt, string? By, Actor? Actor)
{
    public static MeetingResponse From(BranchMeeting m) => new(m.Id, m.Date, m.Topic, m.Attendees, m.NonVoting, m.Notes, m.RecordedAt, m.By, m.Actor);
}
