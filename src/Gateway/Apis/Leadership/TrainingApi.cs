using System.Text.Json.Serialization;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Leadership;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using GridActors.Grains.Vocabulary;

namespace GridActors.Gateway.Apis;

// Training sessions for village secretaries (村书记培训班) and who has had none in a year.
public static partial class LeadershipApi
{
    private static void MapTraining(RouteGroupBuilder api)
    {
        api.MapPut("/counties/{code}/trainings/{year}/sessions/{sessionId}", PutTrainingSession)
            .WithName("PutTrainingSession")
            .WithSummary("Record (replace) a training session for village secretaries")
            .WithDescription("村书记培训班: title, the day it began (heldOn, in the year, not in the future) and attendees, the codes of the villages whose secretaries attended. "
                + "Attendance is kept by person: the secretary in office then.");
        api.MapGet("/counties/{code}/trainings/{year}", ListTrainingSessions)
            .WithName("ListTrainingSessions")
            .WithSummary("List a year's training sessions")
            .WithDescription("村书记培训班: the county's sessions of the year (1 to 2 a year is the norm), by date, with attendees.");
        api.MapGet("/counties/{code}/trainings/{year}/untrained", ListUntrainedSecretaries)
            .WithName("ListUntrainedSecretaries")
            .WithSummary("List the secretaries without training in a year")
            .WithDescription("未参训村书记: the village secretaries in office in the year (the latest term elected in or before it) who attended no session of that year.");
    }

    private static async Task<Results<Ok<TrainingSessionResponse>, Created<TrainingSessionResponse>, ValidationProblem, ProblemHttpResult>> PutTrainingSession(
        [Registered] CountyValue code, string year, string sessionId, TrainingSessionInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var y = LeadershipRules.Year(errors, "year", year);
        var id = LeadershipRules.Slug(errors, "sessionId", sessionId);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var inOffice = (await grains.SecretariesInOffice(county, y!.Value)).ToDictionary(r => r.Village, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        if (body.Validate(errors, county, y.Value, StatsCalendar.Day(now), inOffice) is not { } session)
        {
            return Problems.Invalid(errors);
        }
        var record = new TrainingSession(id!, session.Title, session.HeldOn, session.Attendees, now, http.Caller().Actor);
        var created = await grains.GetSecretaryTraining(county, y.Value).Put(record);
        var response = TrainingSessionResponse.From(record);
        return created
            ? TypedResults.Created($"/api/v1/counties/{county}/trainings/{y}/sessions/{id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ListResponse<TrainingSessionResponse>>, ValidationProblem, ProblemHttpResult>> ListTrainingSessions(
        [Registered] CountyValue code, string year, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var y = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var sessions = await grains.GetSecretaryTraining(county, y!.Value).List();
        return TypedResults.Ok(paging.Of(sessions.Select(TrainingSessionResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<ListResponse<SecretaryResponse>>, ValidationProblem, ProblemHttpResult>> ListUntrainedSecretaries(
        [Registered] CountyValue code, string year, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var y = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var inOfficeTask = grains.SecretariesInOffice(county, y!.Value);
        var sessions = await grains.GetSecretaryTraining(county, y.Value).List();
        var trained = sessions.SelectMany(s => s.Attendees).Select(a => (a.Village, a.Name, a.BirthDate)).ToHashSet();
        var untrained = (await inOfficeTask)
            .Where(r => !trained.Contains((r.Village, r.Secretary.Name, r.Secretary.BirthDate)))
            .Select(SecretaryResponse.From)
            .ToArray();
        return TypedResults.Ok(paging.Of(untrained));
    }
}

public sealed record AttendeeResponse(string Village, string Name);

public sealed record TrainingSessionResponse(string Id, string Title, DateOnly HeldOn, IReadOnlyList<AttendeeResponse> Attendees, DateTimeOffset UpdatedAt, Actor? Actor)
{
    public static TrainingSessionResponse From(TrainingSession s) =>
        new(s.Id, s.Title, s.HeldOn, s.Attendees.Select(a => new AttendeeResponse(a.Village, a.Name)).ToArray(), s.UpdatedAt, s.Actor);
}

/// <summary>A secretary in office: the village, the term that elected them, and who they are.</summary>
public sealed record SecretaryResponse(string Village, int Term, string Name, Gender Gender, int AgeAtElection, Education Education)
{
    public static SecretaryResponse From(SecretaryRecord r) =>
        new(r.Village, r.Term, r.Secretary.Name, r.Secretary.Gender, r.Secretary.Age, r.Secretary.Education);
}
