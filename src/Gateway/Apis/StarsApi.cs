using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Commitments;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stars;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>星级创评: the county's rubric, stars with every input explained, the notice period (公示) with objections (异议), star boards.</summary>
public static class StarsApi
{
    private static readonly (string Prefix, StarSubjectKind Kind, string Name)[] Subjects =
    [
        ("/grids/{code}/party-group/stars", StarSubjectKind.Group, "Group"),
        ("/members/{id}/stars", StarSubjectKind.Member, "Member"),
    ];

    public static IEndpointRouteBuilder MapStarsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Stars").AnswersConflict();
        api.MapGet("/counties/{code}/star-rubric", GetRubric)
            .WithName("GetStarRubric")
            .WithSummary("Read the county's star rubric for a year")
            .WithDescription("星级评定标准: criteria for groups (五个好) and members (四讲四有), each with weight, data source and target; thresholds of 2-5 stars; "
                + "the notice period in days (公示期). The default rubric until the county sets one (isDefault).");
        api.MapPut("/counties/{code}/star-rubric", SetRubric)
            .Produces<StarRubric>()
            .WithName("SetStarRubric")
            .WithSummary("Set the county's star rubric for a year")
            .WithDescription("星级评定标准: groupCriteria and memberCriteria (key, name, source, weight in points, each list adding up to 100; target only for the counted sources "
                + "postWork, issuesHandled, pairingVisits), thresholds (four rising scores: the lowest of 2, 3, 4 and 5 stars), noticeDays (公示期, 1-60). "
                + "409 once a rating of the year has been published: the year's rubric is then fixed.");
        foreach (var (prefix, kind, name) in Subjects)
        {
            api.MapGet(prefix, (HttpContext http, int? year, IGrainFactory grains, GridClock clock) => GetStars(kind, http, year, grains, clock))
                .WithName($"Get{name}Stars")
                .WithSummary($"The stars of a {name.ToLowerInvariant()} for a year, explained")
                .WithDescription("星级: stars (1-5), score (0-100), status (notPublished: computed now | provisional: 公示 | final), and for each criterion its inputs, ratio, "
                    + "contribution and explanation; the facts read; objections (异议) and history.");
            api.MapPost(prefix + "/objections", (HttpContext http, int? year, ObjectionInput body, IGrainFactory grains, GridClock clock) => Object(kind, http, year, body, grains, clock))
                .HonoursIdempotencyKey().Produces<StarsResponse>(StatusCodes.Status201Created).Produces<StarsResponse>()
                .WithName($"Object{name}Stars")
                .WithSummary("File an objection during the notice period")
                .WithDescription("异议: who objects (by) and why (text), during the notice period (公示) only; 409 after it.");
            api.MapPost(prefix + "/objections/{objectionId}/answer", (HttpContext http, int? year, string objectionId, AnswerInput body, IGrainFactory grains, GridClock clock) =>
                    AnswerObjection(kind, http, year, objectionId, body, grains, clock))
                .Produces<StarsResponse>()
                .WithName($"Answer{name}StarsObjection")
                .WithSummary("Answer an objection")
                .WithDescription("异议答复: the answer, whether it is upheld (the rating is then computed again from today's data and the change recorded), and by whom. "
                    + "A rating becomes final when the notice period is over and every objection is answered.");
        }
        api.MapPost("/villages/{code}/stars/publish", PublishVillage)
            .Produces<PublishResponse>()
            .WithName("PublishVillageStars")
            .WithSummary("Publish the provisional stars of every group and member of a village")
            .WithDescription("星级公示: computes each rating now and publishes it as provisional for the county's notice period (公示). Ratings already published are left as they are.");
        foreach (var (collection, level) in new[] { ("villages", UnitLevel.Village), ("townships", UnitLevel.Township), ("counties", UnitLevel.County) })
        {
            api.MapGet($"/{collection}/{{code}}/star-board", (LevelValue code, int? year, int? page, int? pageSize, IGrainFactory grains, GridClock clock) =>
                    Board(code, year, page, pageSize, grains, clock))
                .ForLevel(level)
                .WithName($"Get{level}StarBoard")
                .WithSummary($"The star board of a {level.ToString().ToLowerInvariant()}")
                .WithDescription("星级榜: stars per group and member (status provisional: 公示, or final) and the distribution (counts of 1 to 5 stars, "
                    + "published ratings) for groups and for members, with a line per child unit (units). A village lists every group and member "
                    + "(notPublished until published); a township or county lists published ratings village by village, page (from 1) of pageSize (default 500, at most 2000).");
        }
        return endpoints;
    }

    private static int Year(int? year, ValidationErrors errors, GridClock clock)
    {
        if (year is { } y && CommitmentsApi.BadYear(y))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        return year ?? Today(clock).Year;
    }

    private static async Task<Results<Ok<StarRubric>, ValidationProblem>> GetRubric([Registered] CountyValue code, int? year, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return TypedResults.Ok(await grains.GetGrain<IStarRubricGrain>(StarKeys.Rubric(code.ToString(), y)).Get());
    }

    private static async Task<IResult> SetRubric(HttpContext http, [Registered] CountyValue code, int? year, RubricInput body, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        var rubric = body.Validate(code.ToString(), y, errors);
        if (rubric is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return Changed(await grains.GetGrain<IStarRubricGrain>(StarKeys.Rubric(code.ToString(), y)).Set(rubric with { Actor = http.Caller().Actor }), r => r);
    }

    private static async Task<IResult> GetStars(StarSubjectKind kind, HttpContext http, int? year, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await CommitmentsApi.Owner(kind, http, grains, write: false);
        if (stop is not null)
        {
            return stop;
        }
        if (await grains.GetGrain<IStarRatingGrain>(CommitmentKeys.Of(kind, id, y)).Get() is { } rating)
        {
            return TypedResults.Ok(StarsResponse.From(rating));
        }
        var computed = await grains.GetGrain<IStarRaterGrain>(0).Compute(kind, id, y);
        return computed is null
            ? Problems.NotFound("Nothing to rate.")
            : TypedResults.Ok(StarsResponse.From(new RatingView(RatingStatus.NotPublished, computed, null, null, null, [], [])));
    }

    private static async Task<IResult> Object(StarSubjectKind kind, HttpContext http, int? year, ObjectionInput body, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var key = IdempotencyKey(http, errors);
        var y = Year(year, errors, clock);
        var by = Rules.RequiredText(errors, "by", body.By);
        var text = Rules.RequiredText(errors, "text", body.Text, 2000);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await CommitmentsApi.Owner(kind, http, grains, write: true);
        if (stop is not null)
        {
            return stop;
        }
        var objectionId = NewId($"star-objection/{kind}/{id}/{y}", key);
        var result = await grains.GetGrain<IStarRatingGrain>(CommitmentKeys.Of(kind, id, y)).Object(new StarObjection(objectionId, by!, text!, default, Actor: http.Caller().Actor));
        return Answer(result, StarsResponse.From, http, _ => $"{http.Request.Path}/{objectionId}");
    }

    private static async Task<IResult> AnswerObjection(StarSubjectKind kind, HttpContext http, int? year, string objectionId, AnswerInput body, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        var objection = ParseId(objectionId, "objectionId", "an objection id (a GUID)", errors);
        var answer = Rules.RequiredText(errors, "answer", body.Answer, 2000);
        var by = Rules.OptionalText(errors, "by", body.By);
        if (body.Upheld is null)
        {
            errors.Add("upheld", "is required: true when the objection is upheld");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await CommitmentsApi.Owner(kind, http, grains, write: true);
        if (stop is not null)
        {
            return stop;
        }
        var result = await grains.GetGrain<IStarRatingGrain>(CommitmentKeys.Of(kind, id, y)).Answer(objection!.Value, answer!, body.Upheld!.Value, by, http.Caller().Actor);
        return Answer(result, StarsResponse.From, http);
    }

    private static async Task<IResult> PublishVillage(HttpContext http, VillageValue code, int? year, string? by, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        var who = Rules.OptionalText(errors, "by", by);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await grains.GetGrain<IStarRaterGrain>(0).Subjects(code.Unit) is not { } subjects)
        {
            return RouteChecks.NotRegistered(code.Unit);
        }
        var results = await Task.WhenAll(subjects.Select(s => grains.GetGrain<IStarRatingGrain>(CommitmentKeys.Of(s.Kind, s.Id, y)).Publish(who, http.Caller().Actor)));
        var published = results.Where(r => r.Status == PartyStatus.Done).Select(r => StarsResponse.From(r.Value!)).ToArray();
        return TypedResults.Ok(new PublishResponse(y, published.Length, results.Length - published.Length, published));
    }

    private static async Task<Results<Ok<StarBoard>, ValidationProblem, ProblemHttpResult>> Board(LevelValue code, int? year, int? page, int? pageSize, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var y = Year(year, errors, clock);
        if (page is < 1)
        {
            errors.Add("page", "must be 1 or more");
        }
        if (pageSize is < 1 or > 2000)
        {
            errors.Add("pageSize", "must be from 1 to 2000");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await grains.GetGrain<IStarBoardGrain>(StarKeys.Board(code.ToString(), y)).Get(page ?? 1, pageSize ?? 500) is not { } board)
        {
            return RouteChecks.NotRegistered(code.Unit);
        }
        return TypedResults.Ok(board);
    }
}

public sealed record ObjectionInput(string? By, string? Text);

public sealed record AnswerInput(string? Answer, bool? Upheld, string? By);

/// <summary>A rubric as sent: criteria (key, name, source, weight, target), thresholds, notice days.</summary>
public sealed record RubricInput(IReadOnlyList<CriterionInput>? GroupCriteria, IReadOnlyList<CriterionInput>? MemberCriteria, IReadOnlyList<decimal>? Thresholds, int? NoticeDays, string? By)
{
    public StarRubric? Validate(string county, int year, ValidationErrors errors)
    {
        var group = Criteria(errors, "groupCriteria", GroupCriteria);
        var member = Criteria(errors, "memberCriteria", MemberCriteria);
        StarRubric.CheckScale(errors, Thresholds, NoticeDays);
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new StarRubric(county, year, group!, member!, Thresholds!, NoticeDays!.Value, false, null, by) : null;
    }

    /// <summary>
    /// The source is read as text here, not by the JSON binder, so an unknown one is answered with the sources there
    /// are (a binder error could only say "wrong JSON type"). A list with an unknown source is not checked further, so
    /// the sum of its weights is not blamed for a criterion the caller still has to fix.
    /// </summary>
    private static List<StarCriterion>? Criteria(ValidationErrors errors, string field, IReadOnlyList<CriterionInput>? input)
    {
        if (input is null)
        {
            StarRubric.CheckCriteria(errors, field, null);
            return null;
        }
        var criteria = new List<StarCriterion>(input.Count);
        var known = true;
        for (var i = 0; i < input.Count; i++)
        {
            var c = input[i];
            if (c is null)
            {
                errors.Add($"{field}[{i}]", "must be a criterion: key, name, source, weight and (for counted sources) target");
                known = false;
                continue;
            }
            var source = Enum.GetValues<StarSource>().Where(s => string.Equals(StarRubric.SourceName(s), c.Source?.Trim(), StringComparison.OrdinalIgnoreCase)).Select(s => (StarSource?)s).FirstOrDefault();
            if (source is null)
            {
                errors.Add($"{field}[{i}].source", GridActors.Grains.Vocabulary.EnumNames.Rule(c.Source, Enum.GetValues<StarSource>().Select(StarRubric.SourceName)));
                known = false;
                continue;
            }
            criteria.Add(new StarCriterion(c.Key ?? "", c.Name ?? "", source.Value, c.Weight ?? 0, c.Target));
        }
        if (!known)
        {
            return null;
        }
        StarRubric.CheckCriteria(errors, field, criteria);
        return criteria;
    }
}

/// <summary>One criterion as sent.</summary>
public sealed record CriterionInput(string? Key, string? Name, string? Source, decimal? Weight, decimal? Target);

/// <summary>A rating with its explanation.</summary>
public sealed record StarsResponse(
    StarSubjectKind Kind,
    string Id,
    string Name,
    string Grid,
    int Year,
    RatingStatus Status,
    int Stars,
    decimal Score,
    string Explanation,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<decimal> Thresholds,
    bool DefaultRubric,
    StarFacts Facts,
    DateTimeOffset ComputedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? NoticeEndsAt,
    DateTimeOffset? FinalisedAt,
    IReadOnlyList<StarObjection> Objections,
    IReadOnlyList<RatingEvent> History)
{
    public static StarsResponse From(RatingView r)
    {
        var c = r.Computation;
        return new(c.Kind, c.Id, c.Name, c.Grid, c.Year, r.Status, c.Score.Stars, c.Score.Score, c.Score.Explanation, c.Score.Criteria, c.Score.Thresholds,
            c.DefaultRubric, c.Facts, c.ComputedAt, r.PublishedAt, r.NoticeEndsAt, r.FinalisedAt, r.Objections, r.History);
    }
}

public sealed record PublishResponse(int Year, int Published, int AlreadyPublished, IReadOnlyList<StarsResponse> Ratings);
