using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Households;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Households of a grid with their needs, "Party member homes" (亮身份), and pairing members with households (联系帮扶).
/// </summary>
public static class HouseholdsApi
{
    public static IEndpointRouteBuilder MapHouseholdsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Households and pairing").AnswersConflict().AddEndpointFilter<PersonalDataFilter>();
        api.MapPost("/grids/{code}/households", CreateHousehold)
            .HonoursIdempotencyKey()
            .WithName("CreateHousehold")
            .WithSummary("Register a household of a grid")
            .WithDescription("农户: head, address, phone and size (personal data), needs (群众需求: tags of GET /api/v1/service-tags or free tags), vulnerable and vulnerability "
                + "(困难群众), memberIds of the Party members living there (a member household), partyMemberHome (党员之家 plaque), central (党员中心户) with "
                + "servedHouseholds, the neighbouring households of the grid it serves. An Idempotency-Key makes a retry return the first household.");
        api.MapGet("/grids/{code}/households", ListHouseholds)
            .WithName("ListHouseholds")
            .WithSummary("List a grid's households")
            .WithDescription("农户: in registration order; need=TAG and vulnerable=true|false filter; paged by cursor.");
        api.MapGet("/grids/{code}/households/{id}", GetHousehold)
            .AddEndpointFilter(ETags.NotModified)
            .Produces(StatusCodes.Status304NotModified)
            .WithName("GetHousehold")
            .WithSummary("Read a household")
            .WithDescription("农户 with needs and links; ETag is the version.");
        api.MapPut("/grids/{code}/households/{id}", UpdateHousehold)
            .HonoursIfMatch()
            .WithName("UpdateHousehold")
            .WithSummary("Update a household")
            .WithDescription("修改农户信息: replaces the household's details; 412 when If-Match names an older version.");
        api.MapGet("/villages/{code}/party-member-homes", ListPartyMemberHomes)
            .WithName("ListPartyMemberHomes")
            .WithSummary("List a village's Party member homes")
            .WithDescription("亮身份: the member households of every grid of the village carrying the \"Party member home\" plaque (党员之家) or serving as central households "
                + "(党员中心户), with their members and the neighbouring households each central household serves.");
        api.MapGet("/grids/{code}/pairing-suggestions", Suggest)
            .WithName("GetPairingSuggestions")
            .WithSummary("Suggest members to pair with the grid's households")
            .WithDescription("联系帮扶: for each household with needs not yet covered by a pairing (vulnerable first), up to limit (default 3) members of the village whose "
                + $"card (技术特长, 服务意愿) matches a need, who are present in the village (not migrant), offer hours and pair with fewer than {PairingMatcher.Cap} households; "
                + "members of the same grid first. Each suggestion lists its reasons; a household without one says why.");
        api.MapPost("/grids/{code}/pairings", AcceptPairing)
            .HonoursIdempotencyKey()
            .WithName("AcceptPairing")
            .WithSummary("Accept a pairing of a member with a household")
            .WithDescription("联系帮扶: householdId (of this grid), memberId (a member of the same village, present, with fewer than "
                + $"{PairingMatcher.Cap} pairings; 409 at the cap), needs it covers (default: the household's needs the member's card matches).");
        api.MapGet("/grids/{code}/pairings", ListPairings)
            .WithName("ListPairings")
            .WithSummary("List the pairings with a grid's households")
            .WithDescription("联系帮扶 with their visits; status=active|ended filters.");
        api.MapPost("/grids/{code}/pairings/{id}/visits", LogVisit)
            .HonoursIdempotencyKey()
            .WithName("LogPairingVisit")
            .WithSummary("Log a visit under a pairing")
            .WithDescription("走访: date (default today, not before the pairing was accepted) and note. An Idempotency-Key makes a retry return the first record.");
        api.MapPost("/grids/{code}/pairings/{id}/end", EndPairing)
            .WithName("EndPairing")
            .WithSummary("End a pairing")
            .WithDescription("结束联系帮扶: ends the pairing with a reason; the member's load goes down by one.");
        return endpoints;
    }

    private static IGridHouseholdsGrain Households(this IGrainFactory grains, GridCode grid) => grains.GetGrain<IGridHouseholdsGrain>(grid.ToString());

    private static async Task<Results<Ok<HouseholdResponse>, Created<HouseholdResponse>, ValidationProblem, ProblemHttpResult>> CreateHousehold(
        [Registered] GridValue code, HouseholdInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = IdempotencyKey(http, errors);
        var details = body.Validate(errors);
        if (details is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.Households(grid).Register(NewId($"household/{grid}", key), details, Fingerprint(details));
        return Answer(result, HouseholdResponse.From, http, h => $"/api/v1/grids/{grid}/households/{h.Id}");
    }

    private static async Task<Results<Ok<ListResponse<HouseholdResponse>>, ValidationProblem, ProblemHttpResult>> ListHouseholds(
        [Registered] GridValue code, string? need, bool? vulnerable, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var all = await grains.Households(grid).List();
        var matching = all
            .Where(h => need is null || h.Details.Needs.Any(n => ServiceTags.MatchKey(n) == ServiceTags.MatchKey(need)))
            .Where(h => vulnerable is null || h.Details.Vulnerable == vulnerable)
            .Select(HouseholdResponse.From)
            .ToArray();
        return TypedResults.Ok(paging.Of(matching));
    }

    private static async Task<Results<Ok<HouseholdResponse>, ValidationProblem, ProblemHttpResult>> GetHousehold([Registered] GridValue code, string id, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var householdId = ParseId(id, "id", "a household id (a GUID)", errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var household = await grains.Households(grid).Get(householdId!.Value);
        if (household is null)
        {
            return Problems.NotFound($"No household {id} in grid {grid}.");
        }
        ETags.Set(http.Response, household.Version);
        return TypedResults.Ok(HouseholdResponse.From(household));
    }

    private static async Task<Results<Ok<HouseholdResponse>, ValidationProblem, ProblemHttpResult>> UpdateHousehold(
        [Registered] GridValue code, string id, HouseholdInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var householdId = ParseId(id, "id", "a household id (a GUID)", errors);
        if (!ETags.TryParseIfMatch(http.Request, out var expected))
        {
            errors.Add("If-Match", "must be an ETag given by this API, such as \"3\"");
        }
        var details = body.Validate(errors);
        if (details is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.Households(grid).Update(householdId!.Value, details, expected);
        if (result.Value is { } updated)
        {
            ETags.Set(http.Response, updated.Version);
        }
        return Changed(result, HouseholdResponse.From);
    }

    private static async Task<Results<Ok<ListResponse<PartyMemberHomeResponse>>, ValidationProblem, ProblemHttpResult>> ListPartyMemberHomes(
        VillageValue code, [AsParameters] Paging paging, IGrainFactory grains)
    {
        var homes = await grains.GetGrain<IPartyRollupGrain>(0).Homes(code.Unit);
        return homes is null
            ? RouteChecks.NotRegistered(code.Unit)
            : TypedResults.Ok(paging.Of(homes.Select(PartyMemberHomeResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<ListResponse<HouseholdSuggestionResponse>>, ValidationProblem, ProblemHttpResult>> Suggest(
        [Registered] GridValue code, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        if (limit is < 1 or > 10)
        {
            errors.Add("limit", "must be from 1 to 10 suggestions a household");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var suggestions = await grains.Households(grid).Suggest(limit ?? 3);
        return TypedResults.Ok(All(suggestions.Select(s => HouseholdSuggestionResponse.From(grid.ToString(), s)).ToArray()));
    }

    private static async Task<Results<Ok<PairingResponse>, Created<PairingResponse>, ValidationProblem, ProblemHttpResult>> AcceptPairing(
        [Registered] GridValue code, PairingInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = IdempotencyKey(http, errors);
        var household = ParseId(body.HouseholdId, "householdId", "a household id (a GUID)", errors);
        var member = ParseId(body.MemberId, "memberId", "a member id (a GUID)", errors);
        IReadOnlyList<string>? needs = body.Needs is null ? null : ServiceTags.Validate(errors, "needs", body.Needs, HouseholdInput.MaxNeeds);
        var by = Rules.OptionalText(errors, "by", body.By);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        var request = new PairingRequest(NewId($"pairing/{grid}", key), household!.Value, member!.Value, needs, by, null, http.Caller().Actor);
        var result = await grains.Households(grid).AcceptPairing(request with { Fingerprint = Fingerprint(request) });
        return Answer(result, PairingResponse.From, http, _ => $"/api/v1/grids/{grid}/pairings");
    }

    private static async Task<Results<Ok<ListResponse<PairingResponse>>, ValidationProblem, ProblemHttpResult>> ListPairings(
        [Registered] GridValue code, EnumValue<PairingStatus>? status, [AsParameters] Paging paging, IGrainFactory grains)
    {
        GridCode grid = code;
        var filter = status?.Value;
        var pairings = await grains.Households(grid).Pairings(filter);
        return TypedResults.Ok(paging.Of(pairings.Select(PairingResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<VisitResponse>, Created<VisitResponse>, ValidationProblem, ProblemHttpResult>> LogVisit(
        [Registered] GridValue code, string id, VisitInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var pairingId = ParseId(id, "id", "a pairing id (a GUID)", errors);
        var key = IdempotencyKey(http, errors);
        var today = Today(clock);
        var date = today;
        if (body.Date is not null && !PartyCalendar.TryParseDate(body.Date, out date))
        {
            errors.Add("date", "must be a date YYYY-MM-DD");
        }
        else if (date > today)
        {
            errors.Add("date", $"must not be in the future (today is {PartyCalendar.Text(today)} in China)");
        }
        var note = Rules.RequiredText(errors, "note", body.Note, 2000);
        var by = Rules.OptionalText(errors, "by", body.By);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        var visit = new PairingVisit(NewId($"visit/{pairingId}", key), date, note!, default, by, null, http.Caller().Actor);
        var result = await grains.Households(grid).LogVisit(pairingId!.Value, visit with { Fingerprint = Fingerprint(visit) });
        return Answer(result, VisitResponse.From, http, _ => $"/api/v1/grids/{grid}/pairings");
    }

    private static async Task<Results<Ok<PairingResponse>, ValidationProblem, ProblemHttpResult>> EndPairing(
        [Registered] GridValue code, string id, EndPairingInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var pairingId = ParseId(id, "id", "a pairing id (a GUID)", errors);
        var reason = Rules.RequiredText(errors, "reason", body.Reason, 500);
        var by = Rules.OptionalText(errors, "by", body.By);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return Changed(await grains.Households(grid).EndPairing(pairingId!.Value, reason!, by, http.Caller().Actor), PairingResponse.From);
    }
}

/// <summary>A household as the API shows it. Head, address, phone and vulnerability are personal data: masked unless the caller handles or manages the grid.</summary>
public sealed record HouseholdResponse(
    Guid Id,
    string Grid,
    string Head,
    string Address,
    string? Phone,
    int? Size,
    IReadOnlyList<string> Needs,
    string? NeedsNote,
    bool Vulnerable,
    string? Vulnerability,
    IReadOnlyList<Guid> MemberIds,
    bool MemberHousehold,
    bool PartyMemberHome,
    bool Central,
    IReadOnlyList<Guid> ServedHouseholds,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string IPersonalData.PersonalDataWhat => $"household {Id} details";

    IPersonalData IPersonalData.Masked() => this with
    {
        Head = Privacy.MaskName(Head),
        Address = PersonalData.Hidden,
        Phone = Phone is null ? null : Privacy.MaskPhone(Phone),
        NeedsNote = NeedsNote is null ? null : PersonalData.Hidden,
        Vulnerability = Vulnerability is null ? null : PersonalData.Hidden,
    };

    public static HouseholdResponse From(Household h)
    {
        var d = h.Details;
        return new HouseholdResponse(h.Id, h.Grid, d.Head, d.Address, d.Phone, d.Size, d.Needs, d.NeedsNote, d.Vulnerable, d.Vulnerability, d.MemberIds,
            d.MemberIds.Count > 0, d.PartyMemberHome, d.Central, d.ServedHouseholds, h.Version, h.CreatedAt, h.UpdatedAt);
    }
}

/// <summary>
/// A Party member home (党员之家 / 党员中心户) as the village's list shows it. The members' names are public (亮身份: they are
/// on the plaque); the head and address of the home and of the households it serves are personal data, masked unless the
/// caller handles or manages the home's grid (the households served are of the same grid).
/// </summary>
public sealed record PartyMemberHomeResponse(
    Guid HouseholdId,
    string Grid,
    string Head,
    string Address,
    IReadOnlyList<HomeMember> Members,
    bool Plaque,
    bool Central,
    IReadOnlyList<ServedHousehold> ServedHouseholds) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string IPersonalData.PersonalDataWhat => $"Party member home {HouseholdId} head and address, with the households it serves";

    IPersonalData IPersonalData.Masked() => this with
    {
        Head = Privacy.MaskName(Head),
        Address = PersonalData.Hidden,
        ServedHouseholds = ServedHouseholds.Select(s => s with { Head = Privacy.MaskName(s.Head), Address = PersonalData.Hidden }).ToArray(),
    };

    public static PartyMemberHomeResponse From(PartyMemberHome h) => new(h.HouseholdId, h.Grid, h.Head, h.Address, h.Members, h.Plaque, h.Central, h.ServedHouseholds);
}

/// <summary>
/// The members suggested for one household of <see cref="Grid"/> (联系帮扶). The head is personal data, masked unless the
/// caller handles or manages the grid; the candidates are Party members, whose names are public.
/// </summary>
public sealed record HouseholdSuggestionResponse(
    Guid HouseholdId,
    string Grid,
    string Head,
    bool Vulnerable,
    IReadOnlyList<string> Needs,
    IReadOnlyList<string> UnmetNeeds,
    IReadOnlyList<SuggestedMember> Candidates,
    string? NoCandidate) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string IPersonalData.PersonalDataWhat => $"household {HouseholdId} head, in pairing suggestions";

    IPersonalData IPersonalData.Masked() => this with { Head = Privacy.MaskName(Head) };

    public static HouseholdSuggestionResponse From(string grid, HouseholdSuggestion s) =>
        new(s.HouseholdId, grid, s.Head, s.Vulnerable, s.Needs, s.UnmetNeeds, s.Candidates, s.NoCandidate);
}

public sealed record VisitResponse(Guid Id, DateOnly Date, string Note, DateTimeOffset RecordedAt, string? By, Actor? Actor)
{
    public static VisitResponse From(PairingVisit v) => new(v.Id, v.Date, v.Note, v.RecordedAt, v.By, v.Actor);
}

public sealed record PairingResponse(
    Guid Id,
    Guid HouseholdId,
    Guid MemberId,
    string MemberName,
    string MemberGrid,
    IReadOnlyList<string> Needs,
    PairingStatus Status,
    DateTimeOffset AcceptedAt,
    string? AcceptedBy,
    IReadOnlyList<VisitResponse> Visits,
    int VisitCount,
    DateTimeOffset? EndedAt,
    string? EndReason,
    Actor? Actor,
    Actor? EndedActor)
{
    public static PairingResponse From(Pairing p) => new(p.Id, p.HouseholdId, p.MemberId, p.MemberName, p.MemberGrid, p.Needs, p.Status, p.AcceptedAt, p.AcceptedBy,
        p.Visits.Select(VisitResponse.From).ToArray(), p.Visits.Count, p.EndedAt, p.EndReason, p.Actor, p.EndedActor);
}
