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

// The yearly assessment of a village's leadership team (村班子整体研判).
public static partial class LeadershipApi
{
    private static void MapAssessments(RouteGroupBuilder api)
    {
        api.MapPut("/villages/{code}/assessments/{year}", PutAssessment)
            .WithName("PutTeamAssessment")
            .WithSummary("Record (replace) the assessment of a village's leadership team")
            .WithDescription("村班子整体研判: rating good (好) | fairlyGood (较好) | average (一般) | weak (较差), notes, and who assessed. One per village and year.");
        api.MapGet("/villages/{code}/assessments/{year}", GetAssessment)
            .WithName("GetTeamAssessment")
            .WithSummary("Read the assessment of a village's leadership team")
            .WithDescription("村班子整体研判 of the village for the year.");
        api.MapGet("/counties/{code}/assessments/{year}", ListAssessments)
            .WithName("ListTeamAssessments")
            .WithSummary("List a year's team assessments in a county")
            .WithDescription("村班子整体研判: every village assessed in the year; rating=weak lists the weak teams (软弱涣散) to rectify.");
    }

    private static async Task<Results<Ok<AssessmentResponse>, Created<AssessmentResponse>, ValidationProblem, ProblemHttpResult>> PutAssessment(
        [Registered] VillageValue code, string year, AssessmentInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var y = LeadershipRules.Year(errors, "year", year);
        var now = clock.GetUtcNow();
        if (y > StatsCalendar.Day(now).Year)
        {
            errors.Add("year", "must not be a future year: a team is assessed on what it has done");
        }
        var assessment = body.Validate(errors, now) is { } checkedAssessment ? checkedAssessment with { Actor = http.Caller().Actor } : null;
        if (!errors.IsEmpty || assessment is null)
        {
            return Problems.Invalid(errors);
        }
        var created = await grains.GetTeamAssessments(CountyOf(village), y!.Value).Put(village.ToString(), assessment);
        var response = AssessmentResponse.From(village.ToString(), y.Value, assessment);
        return created
            ? TypedResults.Created($"/api/v1/villages/{village}/assessments/{y}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<AssessmentResponse>, ValidationProblem, ProblemHttpResult>> GetAssessment([Registered] VillageValue code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var y = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var assessment = await grains.GetTeamAssessments(CountyOf(village), y!.Value).Get(village.ToString());
        return assessment is null
            ? Problems.NotFound($"No team assessment of {y} is recorded for village {village}.")
            : TypedResults.Ok(AssessmentResponse.From(village.ToString(), y.Value, assessment));
    }

    private static async Task<Results<Ok<ListResponse<AssessmentResponse>>, ValidationProblem, ProblemHttpResult>> ListAssessments(
        [Registered] CountyValue code, string year, EnumValue<AssessmentRating>? rating, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var y = LeadershipRules.Year(errors, "year", year);
        var only = rating?.Value;
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var assessments = await grains.GetTeamAssessments(county, y!.Value).List(county.ToString());
        var items = assessments.Where(a => only is null || a.Assessment.Rating == only)
            .Select(a => AssessmentResponse.From(a.Village, y.Value, a.Assessment)).ToArray();
        return TypedResults.Ok(paging.Of(items));
    }
}

public sealed record AssessmentResponse(string Village, int Year, AssessmentRating Rating, string? Notes, string? AssessedBy, DateTimeOffset UpdatedAt, Actor? Actor)
{
    public static AssessmentResponse From(string village, int year, TeamAssessment a) => new(village, year, a.Rating, a.Notes, a.AssessedBy, a.UpdatedAt, a.Actor);
}
