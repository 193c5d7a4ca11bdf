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

// The county's filing (县级党委备案) of each term's branch secretary.
public static partial class LeadershipApi
{
    private static void MapFilings(RouteGroupBuilder api)
    {
        api.MapPut("/villages/{code}/terms/{year}/filing", PutFiling)
            .WithName("PutSecretaryFiling")
            .WithSummary("Record the county's filing of a term's secretary")
            .WithDescription("县级党委备案: status pending | filed | returned (退回) | revoked (撤销), with filedOn, the date of the decision. "
                + "When the term's secretary is replaced, the record lapses and the new secretary is pending.");
        api.MapGet("/villages/{code}/terms/{year}/filing", GetFiling)
            .WithName("GetSecretaryFiling")
            .WithSummary("Read the county's filing of a term's secretary")
            .WithDescription("县级党委备案 of the village's branch secretary for this term; pending when nothing is recorded.");
        api.MapGet("/counties/{code}/filings", ListFilings)
            .WithName("ListSecretaryFilings")
            .WithSummary("List the filing of every secretary of a term")
            .WithDescription("县级党委备案: every village secretary of the term (term=YYYY) with the filing status; status=pending | filed | returned | revoked narrows the list.");
    }

    private static async Task<Results<Ok<FilingResponse>, ValidationProblem, ProblemHttpResult>> PutFiling(
        [Registered] VillageValue code, string year, FilingInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var record = await grains.GetVillageLeadership(village).GetTerm(term!.Value);
        if (record is null)
        {
            return NoTerm(village, term.Value);
        }
        var now = clock.GetUtcNow();
        var decision = body.Validate(errors, record.ElectedOn, StatsCalendar.Day(now), now);
        if (decision is null)
        {
            return Problems.Invalid(errors);
        }
        var filed = await grains.GetLeadershipBook(CountyOf(village), term.Value).File(village.ToString(), decision with { Actor = http.Caller().Actor });
        return filed is null ? NoTerm(village, term.Value) : TypedResults.Ok(FilingResponse.From(filed));
    }

    private static async Task<Results<Ok<FilingResponse>, ValidationProblem, ProblemHttpResult>> GetFiling([Registered] VillageValue code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        VillageCode village = code;
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var records = await grains.GetLeadershipBook(CountyOf(village), term!.Value).Secretaries(village.ToString());
        return records.Count == 0 ? NoTerm(village, term.Value) : TypedResults.Ok(FilingResponse.From(records[0]));
    }

    private static async Task<Results<Ok<ListResponse<FilingResponse>>, ValidationProblem, ProblemHttpResult>> ListFilings(
        [Registered] CountyValue code, string? term, EnumValue<FilingStatus>? status, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        CountyCode county = code;
        var year = LeadershipRules.Year(errors, "term", term);
        var only = status?.Value;
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var records = await grains.GetLeadershipBook(county, year!.Value).Secretaries(county.ToString());
        var items = records.Where(r => only is null || r.Status == only).Select(FilingResponse.From).ToArray();
        return TypedResults.Ok(paging.Of(items));
    }
}

public sealed record FilingResponse(
    string Village,
    int Term,
    string Secretary,
    DateOnly SecretaryBirthDate,
    FilingStatus Status,
    DateOnly? FiledOn,
    string? Note,
    DateTimeOffset? RecordedAt,
    Actor? Actor)
{
    public static FilingResponse From(SecretaryRecord r) => new(
        r.Village, r.Term, r.Secretary.Name, r.Secretary.BirthDate, r.Status, r.Filing?.FiledOn, r.Filing?.Note, r.Filing?.RecordedAt, r.Filing?.Actor);
}
