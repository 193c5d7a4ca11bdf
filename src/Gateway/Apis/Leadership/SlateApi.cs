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

// A county's slate rules (换届人选结构要求) and the check of a proposed slate against them.
public static partial class LeadershipApi
{
    private static void MapSlate(RouteGroupBuilder api)
    {
        api.MapPut("/counties/{code}/slate-rules", PutSlateRules)
            .WithName("PutSlateRules")
            .WithSummary("Set a county's slate rules")
            .WithDescription("换届人选结构要求: minWomen, minUnder35, minCollegeOrAbove, secretaryMinEducation, secretaryMaxAge, oneShoulder (一肩挑). "
                + "Replaces the whole set; a rule left out is off. Until set, at least one woman and one cadre under 35.");
        api.MapGet("/counties/{code}/slate-rules", GetSlateRules)
            .WithName("GetSlateRules")
            .WithSummary("Read a county's slate rules")
            .WithDescription("换届人选结构要求 in force; configured is false while the defaults apply.");
        api.MapPost("/villages/{code}/slate-check", CheckSlate)
            .WithName("CheckSlate")
            .WithSummary("Check a proposed slate against the county's rules")
            .WithDescription("换届人选预审: the body is a term as for PUT terms (electedOn is the planned election day). Structural rules give 400; "
                + "the county's slate rules give warnings. Nothing is stored.");
    }

    private static async Task<Results<Ok<SlateRulesResponse>, ValidationProblem, ProblemHttpResult>> PutSlateRules(
        [Registered] CountyValue code, SlateRulesInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var rules = body.Validate(errors);
        if (!errors.IsEmpty || rules is null)
        {
            return Problems.Invalid(errors);
        }
        return TypedResults.Ok(SlateRulesResponse.From(await grains.GetSlateRules(county).Put(rules, clock.GetUtcNow(), http.Caller().Actor)));
    }

    private static async Task<Results<Ok<SlateRulesResponse>, ValidationProblem, ProblemHttpResult>> GetSlateRules([Registered] CountyValue code, IGrainFactory grains) =>
        TypedResults.Ok(SlateRulesResponse.From(await grains.GetSlateRules(code).Get()));

    private static async Task<Results<Ok<SlateCheckResponse>, ValidationProblem, ProblemHttpResult>> CheckSlate(
        [Registered] VillageValue code, TermInput body, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var slate = body.Validate(errors, year: null, today: null);
        if (!errors.IsEmpty || slate is not { } s)
        {
            return Problems.Invalid(errors);
        }
        var rules = await grains.GetSlateRules(CountyOf(village)).Get();
        return TypedResults.Ok(new SlateCheckResponse(SlateCheck.Run(rules.Rules, s.ElectedOn, s.Cadres), SlateRulesResponse.From(rules)));
    }
}

public sealed record SlateRulesResponse(
    int MinWomen,
    int MinUnder35,
    int MinCollegeOrAbove,
    Education? SecretaryMinEducation,
    int? SecretaryMaxAge,
    bool OneShoulder,
    bool Configured,
    DateTimeOffset? UpdatedAt,
    Actor? Actor)
{
    public static SlateRulesResponse From(SlateRulesView v) => new(
        v.Rules.MinWomen, v.Rules.MinUnder35, v.Rules.MinCollegeOrAbove, v.Rules.SecretaryMinEducation, v.Rules.SecretaryMaxAge, v.Rules.OneShoulder,
        v.Configured, v.UpdatedAt, v.Actor);
}

public sealed record SlateCheckResponse(IReadOnlyList<SlateWarning> Warnings, SlateRulesResponse Rules);
