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

// Terms (换届): a village's cadres of the two committees (村两委) per term.
public static partial class LeadershipApi
{
    private static void MapTerms(RouteGroupBuilder api)
    {
        api.MapPut("/villages/{code}/terms/{year}", PutTerm)
            .WithName("PutVillageTerm")
            .WithSummary("Record (replace) a village's cadres for a term")
            .WithDescription("换届: the cadres of the two committees (村两委: 支委 and 村委) elected on electedOn, which must fall in the term's year and not in the future. "
                + "Exactly one branchSecretary; at most one villageDirector (the same person may be both: 一肩挑); age at election 18 to 75; "
                + "branch committee roles only for Party members. Replaces the term's cadres; 201 when the term is new, 200 when replaced.");
        api.MapGet("/villages/{code}/terms/{year}", GetTerm)
            .WithName("GetVillageTerm")
            .WithSummary("Read a village's cadres for a term")
            .WithDescription("村两委成员: each cadre with the derived age at election, cross-appointment (交叉任职) and college or above (大专以上); the village's one-shoulder flag (一肩挑).");
        api.MapGet("/villages/{code}/terms", ListTerms)
            .WithName("ListVillageTerms")
            .WithSummary("List a village's terms")
            .WithDescription("历届村两委: every term held for the village, oldest first.");
        api.MapDelete("/villages/{code}/terms/{year}", DeleteTerm)
            .WithName("DeleteVillageTerm")
            .WithSummary("Remove a term recorded by mistake")
            .WithDescription("删除届次: removes the term and the county's filing of its secretary; the county report no longer counts it.");
    }

    private static async Task<Results<Ok<TermResponse>, Created<TermResponse>, ValidationProblem, ProblemHttpResult>> PutTerm(
        [Registered] VillageValue code, string year, TermInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var term = LeadershipRules.Year(errors, "year", year);
        var today = StatsCalendar.Day(clock.GetUtcNow());
        var checkedTerm = body.Validate(errors, term, today);
        if (!errors.IsEmpty || checkedTerm is not { } t)
        {
            return Problems.Invalid(errors);
        }
        var record = new VillageTerm(term!.Value, t.ElectedOn, t.Cadres, clock.GetUtcNow(), http.Caller().Actor);
        var created = await grains.GetVillageLeadership(village).PutTerm(record);
        var response = TermResponse.From(village, record);
        return created
            ? TypedResults.Created($"/api/v1/villages/{village}/terms/{record.Year}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<TermResponse>, ValidationProblem, ProblemHttpResult>> GetTerm([Registered] VillageValue code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var record = await grains.GetVillageLeadership(village).GetTerm(term!.Value);
        return record is null ? NoTerm(village, term.Value) : TypedResults.Ok(TermResponse.From(village, record));
    }

    private static async Task<Results<Ok<ListResponse<TermResponse>>, ValidationProblem, ProblemHttpResult>> ListTerms(
        [Registered] VillageValue code, [AsParameters] Paging paging, IGrainFactory grains)
    {
        VillageCode village = code;
        var terms = await grains.GetVillageLeadership(village).ListTerms();
        return TypedResults.Ok(paging.Of(terms.Select(t => TermResponse.From(village, t)).ToArray()));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTerm([Registered] VillageValue code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return await grains.GetVillageLeadership(village).DeleteTerm(term!.Value) ? TypedResults.NoContent() : NoTerm(village, term.Value);
    }
}

public sealed record CadreResponse(
    string Name,
    Gender Gender,
    DateOnly BirthDate,
    Education Education,
    bool PartyMember,
    IReadOnlyList<string> Roles,
    int Age,
    bool CrossAppointed,
    bool CollegeOrAbove);

/// <summary>A village's term as the API shows it, with the derived figures.</summary>
public sealed record TermResponse(
    string Village,
    int Year,
    DateOnly ElectedOn,
    bool OneShoulder,
    IReadOnlyList<CadreResponse> Cadres,
    DateTimeOffset UpdatedAt,
    Actor? Actor)
{
    public static TermResponse From(VillageCode village, VillageTerm term) => new(
        village.ToString(),
        term.Year,
        term.ElectedOn,
        term.OneShoulder,
        term.Cadres.Select(c => new CadreResponse(
            c.Name, c.Gender, c.BirthDate, c.Education, c.PartyMember,
            c.Roles.Select(LeadershipNames.Name).ToArray(),
            CadreFacts.AgeAt(c.BirthDate, term.ElectedOn),
            CadreFacts.IsCrossAppointed(c.Roles),
            CadreFacts.IsCollegeOrAbove(c.Education))).ToArray(),
        term.UpdatedAt,
        term.Actor);
}
