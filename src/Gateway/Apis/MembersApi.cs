using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;
using GridActors.Grains.Vocabulary;

namespace GridActors.Gateway.Apis;

/// <summary>Party members (党员) with their cards, posts (认岗领责), post work and transfers between grids.</summary>
public static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Members").AnswersConflict()
            .AddEndpointFilter<MemberJurisdictionFilter>()
            .AddEndpointFilter<PersonalDataFilter>();
        api.MapPost("/members", CreateMember)
            .HonoursIdempotencyKey()
            .WithName("CreateMember")
            .WithSummary("Register a Party member")
            .WithDescription("党员: name, gender, birth date, date joined the Party (at 18 or older), education, phone (personal data), grid, status "
                + "(resident | migrant 外出务工 | elderly | other), holdsOffice (false: 无职党员) and the member card (党员信息卡: basicStatus 基本状况, "
                + "developmentCapability 发展能力, technicalSkills 技术特长 as tags, willingness 服务意愿: servicesOffered tags and hoursPerMonth). "
                + "Tags of the shared vocabulary (GET /api/v1/service-tags) match households' needs. An Idempotency-Key makes a retry return the first member.");
        api.MapGet("/members/{id}", GetMember)
            .AddEndpointFilter(ETags.NotModified)
            .Produces(StatusCodes.Status304NotModified)
            .WithName("GetMember")
            .WithSummary("Read a member")
            .WithDescription("党员: the member with card, the post held (岗位) and its history, transfers, post work counts and pairings (联系帮扶). ETag is the version.");
        api.MapPut("/members/{id}", UpdateMember)
            .HonoursIfMatch()
            .WithName("UpdateMember")
            .WithSummary("Update a member")
            .WithDescription("Replaces the member's details and card. The grid changes only by a transfer. A member who becomes a migrant (外出务工) gives up a post that needs presence, "
                + "recorded in the post history. 409 when the member leads a group and would become a migrant; 412 when If-Match names an older version.");
        api.MapDelete("/members/{id}", RemoveMember)
            .WithName("RemoveMember")
            .WithSummary("Remove a member")
            .WithDescription("删除党员: removes a member recorded by mistake or who left the Party organisation here (reason, required). 409 while the member leads "
                + "its group (name another leader first) or pairs with households (end the pairings first). The id is not reused.");
        api.MapPost("/members/{id}/transfer", TransferMember)
            .WithName("TransferMember")
            .WithSummary("Move a member to another grid")
            .WithDescription("组织关系转接: moves the member to another grid's Party group and records the transfer (from, to, date, reason); the post held is given up. "
                + "409 when the member leads its group.");
        api.MapPut("/members/{id}/post", ClaimPost)
            .WithName("ClaimPost")
            .WithSummary("Claim one of the eight posts")
            .WithDescription("认岗领责: one of the eight posts (八大岗位) with how it was recommended: self (自我推荐) or democratic (支部民主推荐), recorded. "
                + "A member holds one post. A migrant member (外出务工) may hold only informationCollector or policyPromoter: the other six are done on the spot.");
        api.MapDelete("/members/{id}/post", ReleasePost)
            .WithName("ReleasePost")
            .WithSummary("Give up the post held")
            .WithDescription("卸岗: ends the member's post; the post history keeps it with the reason (query reason).");
        api.MapPost("/members/{id}/post-work", LogPostWork)
            .HonoursIdempotencyKey()
            .WithName("LogPostWork")
            .WithSummary("Log post work")
            .WithDescription("岗位履职记录: patrolRound, mediation, informationReport, sanitationCheck, policyPromotion, cultureEvent, careVisit, supervisionCheck (each belongs to its post) "
                + "or other; date (default today), summary, optional issueId. Counts toward the member's star rating (星级创评).");
        api.MapGet("/members/{id}/post-work", ListPostWork)
            .WithName("ListPostWork")
            .WithSummary("List a member's post work")
            .WithDescription("岗位履职记录 of a year (year=YYYY, default this year), newest first.");
        api.MapGet("/grids/{code}/members", ListGridMembers)
            .WithName("ListGridMembers")
            .WithSummary("List the members of a grid")
            .WithDescription("网格党员: the grid's members as its Party group knows them (also before the group is set up), by name; status filters; paged by cursor.");
        api.MapGet("/service-tags", ListServiceTags)
            .WithName("ListServiceTags")
            .WithSummary("The shared vocabulary of skills, services and needs")
            .WithDescription("技术特长 / 服务意愿 / 群众需求: tags a member card and a household's needs share, so pairing can match them. Other tags are kept as written.");
        return endpoints;
    }

    private static async Task<Results<Ok<MemberResponse>, Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> CreateMember(
        MemberInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var key = IdempotencyKey(http, errors);
        var details = body.Validate(Today(clock), errors);
        if (details is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var id = NewId("member", key);
        var result = await grains.GetMember(id).Register(details, Fingerprint(details));
        return Answer(result, MemberResponse.From, http, m => $"/api/v1/members/{m.Id}");
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> GetMember(string id, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var memberId))
        {
            return Problems.Invalid("id", "must be a member id (a GUID)");
        }
        var member = await grains.GetMember(memberId).Get();
        if (member is null)
        {
            return Problems.NotFound($"No member {id} exists.");
        }
        ETags.Set(http.Response, member.Version);
        return TypedResults.Ok(MemberResponse.From(member));
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> UpdateMember(
        string id, MemberInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        if (!ETags.TryParseIfMatch(http.Request, out var expected))
        {
            errors.Add("If-Match", "must be an ETag given by this API, such as \"3\"");
        }
        var details = body.Validate(Today(clock), errors);
        if (details is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.GetMember(memberId!.Value).Update(details, expected, http.Caller().Actor);
        if (result.Value is { } updated)
        {
            ETags.Set(http.Response, updated.Version);
        }
        return Changed(result, MemberResponse.From);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveMember(string id, string? reason, string? by, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        var why = Rules.RequiredText(errors, "reason", reason, 500);
        var who = Rules.OptionalText(errors, "by", by);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.GetMember(memberId!.Value).Remove(why!, who, http.Caller().Actor);
        return result.Status switch
        {
            PartyStatus.Done => TypedResults.NoContent(),
            PartyStatus.NotFound => Problems.NotFound(result.Message!),
            _ => Problems.Conflict("Not allowed in the current state", result.Message!),
        };
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> TransferMember(
        string id, TransferInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        var request = body.Validate(Today(clock), errors);
        if (request is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return Changed(await grains.GetMember(memberId!.Value).Transfer(request with { Actor = http.Caller().Actor }), MemberResponse.From);
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ClaimPost(
        string id, PostClaimInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        var claim = body.Validate(Today(clock), errors);
        if (claim is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return Changed(await grains.GetMember(memberId!.Value).ClaimPost(claim with { Actor = http.Caller().Actor }), MemberResponse.From);
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ReleasePost(
        string id, string? reason, string? by, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        var why = Rules.OptionalText(errors, "reason", reason, 500);
        var who = Rules.OptionalText(errors, "by", by);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return Changed(await grains.GetMember(memberId!.Value).ReleasePost(why, who, http.Caller().Actor), MemberResponse.From);
    }

    private static async Task<Results<Ok<PostWorkResponse>, Created<PostWorkResponse>, ValidationProblem, ProblemHttpResult>> LogPostWork(
        string id, PostWorkInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        var key = IdempotencyKey(http, errors);
        var input = body.Validate(Today(clock), errors);
        if (input is not { } v || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        var entry = new PostWorkEntry(NewId($"post-work/{memberId}", key), default, v.Kind, v.Date, v.Summary, "", v.IssueId, default, v.By, null, http.Caller().Actor);
        var result = await grains.GetMember(memberId!.Value).LogPostWork(entry with { Fingerprint = Fingerprint(entry) });
        return Answer(result, PostWorkResponse.From, http, _ => $"/api/v1/members/{memberId}/post-work");
    }

    private static async Task<Results<Ok<ListResponse<PostWorkResponse>>, ValidationProblem, ProblemHttpResult>> ListPostWork(
        string id, int? year, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var memberId = ParseId(id, "id", "a member id (a GUID)", errors);
        if (year is < 2000 or > 9999)
        {
            errors.Add("year", "must be a year such as 2026");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var work = await grains.GetMember(memberId!.Value).ListPostWork(year ?? Today(clock).Year);
        return work is null ? Problems.NotFound($"No member {id} exists.") : TypedResults.Ok(paging.Of(work.Select(PostWorkResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<ListResponse<RosterEntry>>, ValidationProblem, ProblemHttpResult>> ListGridMembers(
        [Registered] GridValue code, EnumValue<MemberStatus>? status, [AsParameters] Paging paging, IGrainFactory grains)
    {
        GridCode grid = code;
        var filter = status?.Value;
        var roster = await grains.GetPartyGroup(grid).Roster();
        return TypedResults.Ok(paging.Of(roster.Where(m => filter is null || m.Status == filter).ToArray()));
    }

    private static Results<Ok<ListResponse<ServiceTagResponse>>, ValidationProblem> ListServiceTags([AsParameters] Paging paging)
    {
        var errors = new ValidationErrors();
        return errors.IsEmpty
            ? TypedResults.Ok(paging.Of(ServiceTags.Vocabulary.Select(t => new ServiceTagResponse(t.Key, t.Value)).ToArray()))
            : Problems.Invalid(errors);
    }
}

public sealed record ServiceTagResponse(string Tag, string Label);

/// <summary>
/// A member as the API shows it. The phone and the birth date are personal data: masked unless the caller handles or
/// manages the grid (the birth date keeps its year, <c>1968-**-**</c>, so ages can still be counted). The name is
/// public: Party members show who they are (亮身份).
/// </summary>
public sealed record MemberResponse(
    Guid Id,
    string Name,
    Gender Gender,
    [property: System.ComponentModel.DataAnnotations.RegularExpression(@"^\d{4}-(\d{2}|\*\*)-(\d{2}|\*\*)$")] string BirthDate,
    DateOnly JoinedPartyOn,
    Education Education,
    string Phone,
    string Grid,
    MemberStatus Status,
    bool HoldsOffice,
    MemberCard Card,
    PostAssignment? Post,
    IReadOnlyList<PostAssignment> PostHistory,
    IReadOnlyList<MemberTransfer> Transfers,
    int PostWorkThisYear,
    int PostWorkTotal,
    int PairingLoad,
    IReadOnlyList<Guid> Pairings,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string IPersonalData.PersonalDataWhat => $"member {Id} phone and birth date";

    IPersonalData IPersonalData.Masked() => this with { Phone = Privacy.MaskPhone(Phone), BirthDate = PersonalData.MaskDate(BirthDate) };

    public static MemberResponse From(MemberView m)
    {
        var d = m.Details;
        return new MemberResponse(m.Id, d.Name, d.Gender, d.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.JoinedPartyOn, d.Education, d.Phone, d.Grid, d.Status, d.HoldsOffice, d.Card,
            m.Post, m.PostHistory, m.Transfers, m.PostWorkThisYear, m.PostWorkTotal, m.Pairings.Count, m.Pairings, m.Version, m.CreatedAt, m.UpdatedAt);
    }
}

public sealed record PostWorkResponse(Guid Id, Post Post, PostWorkKind Kind, DateOnly Date, string Summary, string Grid, Guid? IssueId, DateTimeOffset RecordedAt, string? By, Actor? Actor)
{
    public static PostWorkResponse From(PostWorkEntry w) => new(w.Id, w.Post, w.Kind, w.Date, w.Summary, w.Grid, w.IssueId, w.RecordedAt, w.By, w.Actor);
}
