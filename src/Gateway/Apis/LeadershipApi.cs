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

/// <summary>
/// Village leadership (头雁): the cadres of the two committees (村两委) per village and term, the county's
/// post-election report, and the county's work on secretaries: filing, training, team assessment, slate check.
/// See docs/leadership.md.
/// </summary>
public static class LeadershipApi
{
    public static IEndpointRouteBuilder MapLeadershipApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Leadership");

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

        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value is UnitLevel.County or UnitLevel.Township))
        {
            api.MapGet($"/{collection}/{{code}}/leadership", (string code, string? term, IGrainFactory grains) => GetReport(level, code, term, grains))
                .WithName($"Get{level}LeadershipReport")
                .WithSummary($"The post-election report on village cadres of a {level.Name()}")
                .WithDescription("换届后村干部情况统计: villages, cadres, cross-appointed (交叉任职) and one-shoulder (一肩挑) counts and shares, average age and secretaries' "
                    + "average age with their change against the previous term held for this unit (null when none), college or above (大专以上), and breakdowns "
                    + "by education, gender and age band. Percentages and ages to 2 decimals. term=YYYY is required.");
        }

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
        return endpoints;
    }

    // ---- Terms --------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<TermResponse>, Created<TermResponse>, ValidationProblem, ProblemHttpResult>> PutTerm(
        string code, string year, TermInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var term = LeadershipRules.Year(errors, "year", year);
        var today = StatsCalendar.Day(clock.GetUtcNow());
        var checkedTerm = body.Validate(errors, term, today);
        if (!errors.IsEmpty || checkedTerm is not { } t)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var record = new VillageTerm(term!.Value, t.ElectedOn, t.Cadres, clock.GetUtcNow(), http.Caller().Actor);
        var created = await grains.GetVillageLeadership(village).PutTerm(record);
        var response = TermResponse.From(village, record);
        return created
            ? TypedResults.Created($"/api/v1/villages/{village}/terms/{record.Year}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<TermResponse>, ValidationProblem, ProblemHttpResult>> GetTerm(string code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var record = await grains.GetVillageLeadership(village).GetTerm(term!.Value);
        return record is null ? NoTerm(village, term.Value) : TypedResults.Ok(TermResponse.From(village, record));
    }

    private static async Task<Results<Ok<ListResponse<TermResponse>>, ValidationProblem, ProblemHttpResult>> ListTerms(
        string code, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var (offset, take) = PartyApiSupport.Paging(cursor, limit, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var terms = await grains.GetVillageLeadership(village).ListTerms();
        return TypedResults.Ok(PartyApiSupport.Page(terms.Select(t => TermResponse.From(village, t)).ToArray(), offset, take));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTerm(string code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        return await grains.GetVillageLeadership(village).DeleteTerm(term!.Value) ? TypedResults.NoContent() : NoTerm(village, term.Value);
    }

    // ---- Report -------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<LeadershipReportResponse>, ValidationProblem, ProblemHttpResult>> GetReport(
        UnitLevel level, string code, string? term, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!UnitCode.TryParse(code, level, out var unit, out var codeError))
        {
            errors.Add("code", codeError);
        }
        var year = LeadershipRules.Year(errors, "term", term);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (!await grains.GetUnit(unit).IsRegistered())
        {
            return Problems.NotFound($"No {level.Name()} {unit} is registered.");
        }
        var report = await grains.GetLeadershipReport(unit, year!.Value);
        return TypedResults.Ok(LeadershipReportResponse.From(report));
    }

    // ---- Filing -------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<FilingResponse>, ValidationProblem, ProblemHttpResult>> PutFiling(
        string code, string year, FilingInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
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

    private static async Task<Results<Ok<FilingResponse>, ValidationProblem, ProblemHttpResult>> GetFiling(string code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var term = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var records = await grains.GetLeadershipBook(CountyOf(village), term!.Value).Secretaries(village.ToString());
        return records.Count == 0 ? NoTerm(village, term.Value) : TypedResults.Ok(FilingResponse.From(records[0]));
    }

    private static async Task<Results<Ok<ListResponse<FilingResponse>>, ValidationProblem, ProblemHttpResult>> ListFilings(
        string code, string? term, string? status, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var year = LeadershipRules.Year(errors, "term", term);
        var (offset, take) = PartyApiSupport.Paging(cursor, limit, errors);
        FilingStatus? only = null;
        if (status is not null)
        {
            if (FilingInput.Statuses.TryGetValue(status, out var s))
            {
                only = s;
            }
            else
            {
                errors.Add("status", EnumNames.OneOf(FilingInput.Statuses.Keys));
            }
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        var records = await grains.GetLeadershipBook(county, year!.Value).Secretaries(county.ToString());
        var items = records.Where(r => only is null || r.Status == only).Select(FilingResponse.From).ToArray();
        return TypedResults.Ok(PartyApiSupport.Page(items, offset, take));
    }

    // ---- Training -----------------------------------------------------------------------------------------

    private static async Task<Results<Ok<TrainingSessionResponse>, Created<TrainingSessionResponse>, ValidationProblem, ProblemHttpResult>> PutTrainingSession(
        string code, string year, string sessionId, TrainingSessionInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var y = LeadershipRules.Year(errors, "year", year);
        var id = LeadershipRules.Slug(errors, "sessionId", sessionId);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
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
        string code, string year, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var y = LeadershipRules.Year(errors, "year", year);
        var (offset, take) = PartyApiSupport.Paging(cursor, limit, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        var sessions = await grains.GetSecretaryTraining(county, y!.Value).List();
        return TypedResults.Ok(PartyApiSupport.Page(sessions.Select(TrainingSessionResponse.From).ToArray(), offset, take));
    }

    private static async Task<Results<Ok<ListResponse<SecretaryResponse>>, ValidationProblem, ProblemHttpResult>> ListUntrainedSecretaries(
        string code, string year, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var y = LeadershipRules.Year(errors, "year", year);
        var (offset, take) = PartyApiSupport.Paging(cursor, limit, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        var inOfficeTask = grains.SecretariesInOffice(county, y!.Value);
        var sessions = await grains.GetSecretaryTraining(county, y.Value).List();
        var trained = sessions.SelectMany(s => s.Attendees).Select(a => (a.Village, a.Name, a.BirthDate)).ToHashSet();
        var untrained = (await inOfficeTask)
            .Where(r => !trained.Contains((r.Village, r.Secretary.Name, r.Secretary.BirthDate)))
            .Select(SecretaryResponse.From)
            .ToArray();
        return TypedResults.Ok(PartyApiSupport.Page(untrained, offset, take));
    }

    // ---- Team assessment ----------------------------------------------------------------------------------

    private static async Task<Results<Ok<AssessmentResponse>, Created<AssessmentResponse>, ValidationProblem, ProblemHttpResult>> PutAssessment(
        string code, string year, AssessmentInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
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
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var created = await grains.GetTeamAssessments(CountyOf(village), y!.Value).Put(village.ToString(), assessment);
        var response = AssessmentResponse.From(village.ToString(), y.Value, assessment);
        return created
            ? TypedResults.Created($"/api/v1/villages/{village}/assessments/{y}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<AssessmentResponse>, ValidationProblem, ProblemHttpResult>> GetAssessment(string code, string year, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var y = LeadershipRules.Year(errors, "year", year);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var assessment = await grains.GetTeamAssessments(CountyOf(village), y!.Value).Get(village.ToString());
        return assessment is null
            ? Problems.NotFound($"No team assessment of {y} is recorded for village {village}.")
            : TypedResults.Ok(AssessmentResponse.From(village.ToString(), y.Value, assessment));
    }

    private static async Task<Results<Ok<ListResponse<AssessmentResponse>>, ValidationProblem, ProblemHttpResult>> ListAssessments(
        string code, string year, string? rating, string? cursor, int? limit, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var y = LeadershipRules.Year(errors, "year", year);
        var (offset, take) = PartyApiSupport.Paging(cursor, limit, errors);
        AssessmentRating? only = null;
        if (rating is not null)
        {
            if (AssessmentInput.Ratings.TryGetValue(rating, out var r))
            {
                only = r;
            }
            else
            {
                errors.Add("rating", EnumNames.OneOf(AssessmentInput.Ratings.Keys));
            }
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        var assessments = await grains.GetTeamAssessments(county, y!.Value).List(county.ToString());
        var items = assessments.Where(a => only is null || a.Assessment.Rating == only)
            .Select(a => AssessmentResponse.From(a.Village, y.Value, a.Assessment)).ToArray();
        return TypedResults.Ok(PartyApiSupport.Page(items, offset, take));
    }

    // ---- Slate --------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<SlateRulesResponse>, ValidationProblem, ProblemHttpResult>> PutSlateRules(
        string code, SlateRulesInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        var rules = body.Validate(errors);
        if (!errors.IsEmpty || rules is null)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        return TypedResults.Ok(SlateRulesResponse.From(await grains.GetSlateRules(county).Put(rules, clock.GetUtcNow(), http.Caller().Actor)));
    }

    private static async Task<Results<Ok<SlateRulesResponse>, ValidationProblem, ProblemHttpResult>> GetSlateRules(string code, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var county = CountyOf(errors, code);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await CountyMissing(grains, county) is { } missing)
        {
            return missing;
        }
        return TypedResults.Ok(SlateRulesResponse.From(await grains.GetSlateRules(county).Get()));
    }

    private static async Task<Results<Ok<SlateCheckResponse>, ValidationProblem, ProblemHttpResult>> CheckSlate(
        string code, TermInput body, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var village = VillageOf(errors, code);
        var slate = body.Validate(errors, year: null, today: null);
        if (!errors.IsEmpty || slate is not { } s)
        {
            return Problems.Invalid(errors);
        }
        if (await VillageMissing(grains, village) is { } missing)
        {
            return missing;
        }
        var rules = await grains.GetSlateRules(CountyOf(village)).Get();
        return TypedResults.Ok(new SlateCheckResponse(SlateCheck.Run(rules.Rules, s.ElectedOn, s.Cadres), SlateRulesResponse.From(rules)));
    }

    // ---- Helpers ------------------------------------------------------------------------------------------

    private static VillageCode VillageOf(ValidationErrors errors, string code)
    {
        if (!VillageCode.TryParse(code, out var village, out var error))
        {
            errors.Add("code", error);
        }
        return village;
    }

    private static CountyCode CountyOf(ValidationErrors errors, string code)
    {
        if (!CountyCode.TryParse(code, out var county, out var error))
        {
            errors.Add("code", error);
        }
        return county;
    }

    private static CountyCode CountyOf(VillageCode village) => LeadershipGrainFactoryExtensions.CountyOf(village);

    private static async Task<ProblemHttpResult?> VillageMissing(IGrainFactory grains, VillageCode village) =>
        await grains.GetUnit(village).IsRegistered() ? null : Problems.NotFound($"No village {village} is registered.");

    private static async Task<ProblemHttpResult?> CountyMissing(IGrainFactory grains, CountyCode county) =>
        await grains.GetCounty(county).IsRegistered() ? null : Problems.NotFound($"No county {county} is registered.");

    private static ProblemHttpResult NoTerm(VillageCode village, int year) =>
        Problems.NotFound($"No term {year} is recorded for village {village}.");
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

/// <summary>
/// The report, with exactly the fields the county's report states. Changes and averages are written as
/// null (not left out) when there is nothing to compare or average, so every report has the same fields.
/// </summary>
public sealed record LeadershipReportResponse(
    int Villages,
    int Cadres,
    int CrossAppointed,
    decimal CrossAppointedPercent,
    int OneShoulderVillages,
    decimal OneShoulderPercent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? AverageAge,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? AverageAgeChange,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? SecretaryAverageAge,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? SecretaryAverageAgeChange,
    int CollegeOrAbove,
    decimal CollegeOrAbovePercent,
    IReadOnlyDictionary<string, Share> ByEducation,
    IReadOnlyDictionary<string, Share> ByGender,
    IReadOnlyDictionary<string, Share> ByAgeBand)
{
    public static LeadershipReportResponse From(LeadershipReport r) => new(
        r.Villages, r.Cadres, r.CrossAppointed, r.CrossAppointedPercent, r.OneShoulderVillages, r.OneShoulderPercent,
        r.AverageAge, r.AverageAgeChange, r.SecretaryAverageAge, r.SecretaryAverageAgeChange,
        r.CollegeOrAbove, r.CollegeOrAbovePercent, r.ByEducation, r.ByGender, r.ByAgeBand);
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

public sealed record AssessmentResponse(string Village, int Year, AssessmentRating Rating, string? Notes, string? AssessedBy, DateTimeOffset UpdatedAt, Actor? Actor)
{
    public static AssessmentResponse From(string village, int year, TeamAssessment a) => new(village, year, a.Rating, a.Notes, a.AssessedBy, a.UpdatedAt, a.Actor);
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
