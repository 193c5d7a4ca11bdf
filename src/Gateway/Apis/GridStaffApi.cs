using System.Diagnostics;
using System.Globalization;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.GridStaff;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The people of a grid: its leader (网格长) and workers (网格员, 专职 / 兼职), linked to Party members and village cadres, and
/// their survey visits (摸排) whose findings become issues in one step; coverage of the grid's households.
/// </summary>
public static class GridStaffApi
{
    public static IEndpointRouteBuilder MapGridStaffApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Grid staff and surveys").AnswersConflict().AddEndpointFilter<PersonalDataFilter>();
        api.MapPut("/grids/{code}/leader", PutLeader)
            .WithName("PutGridLeader")
            .WithSummary("Name a grid's leader")
            .WithDescription("网格长: memberId (a Party member of the village), cadre (name and term of a cadre of the village's two committees; the latest term "
                + "when term is left out), both (the same person), or name and phone of a person standing alone. The grid leader named here is who leads the grid; "
                + "the unit's leader contact (PUT /api/v1/grids/{code}) is the published contact and is not changed. The answer's alsoHolds lists the roles the "
                + "person holds, read from the Party group (partyGroupLeader, the post held) and the village's term (branchSecretary, ...).");
        api.MapGet("/grids/{code}/leader", GetLeader)
            .WithName("GetGridLeader")
            .WithSummary("Read a grid's leader")
            .WithDescription("网格长 with the roles they also hold (党小组组长, 村党组织书记, ...), read from the records that own them.");
        api.MapGet("/grids/{code}/workers", ListWorkers)
            .WithName("ListGridWorkers")
            .WithSummary("List a grid's workers")
            .WithDescription("网格员 (kind fullTime 专职 / partTime 兼职) with their links and the roles they also hold, in the order they were added, "
                + "a page at a time (cursor, limit).");
        api.MapPost("/grids/{code}/workers", AddWorker)
            .HonoursIdempotencyKey()
            .WithName("AddGridWorker")
            .WithSummary("Add a worker to a grid")
            .WithDescription("网格员: kind (fullTime | partTime) and memberId, cadre, or name and phone, as for the leader. 409 when the person already works here. "
                + "An Idempotency-Key makes a retry return the first record.");
        api.MapDelete("/grids/{code}/workers/{id}", RemoveWorker)
            .WithName("RemoveGridWorker")
            .WithSummary("Remove a worker from a grid")
            .WithDescription("网格员 leaves the grid (reason in the query, 离任原因); the record is kept, so visits (摸排) they recorded still name them.");
        api.MapPost("/grids/{code}/visits", RecordVisit)
            .HonoursIdempotencyKey()
            .RequireRole(Roles.Reporter)
            .WithName("RecordGridVisit")
            .WithSummary("Record a survey visit")
            .WithDescription("摸排: workerId (a worker of this grid), date (default today, within the last year), householdId (a household of this grid) or place, "
                + $"note, and findings (up to {SurveyVisitInput.MaxFindings} texts, numbered from 1). An Idempotency-Key makes a retry return the first record.");
        api.MapGet("/grids/{code}/visits", ListVisits)
            .WithName("ListGridVisits")
            .WithSummary("List a grid's survey visits")
            .WithDescription("摸排 visits of a month (month=YYYY-MM) or all, newest first, with findings and the issues they became.");
        api.MapGet("/grids/{code}/visits/{id}", GetVisit)
            .WithName("GetGridVisit")
            .WithSummary("Read a survey visit")
            .WithDescription("摸排 visit with its findings; a finding reported as an issue names it (issueId).");
        api.MapPost("/grids/{code}/visits/{id}/findings/{n}/report", ReportFinding)
            .HonoursIdempotencyKey()
            .RequireRole(Roles.Reporter)
            .WithName("ReportVisitFinding")
            .WithSummary("Report a finding of a visit as an issue")
            .WithDescription("摸排发现的问题 (finding n of the visit) becomes an issue (事件) of this grid (category; title, default the finding's text; "
                + "reporter, the resident who raised it during the visit, 群众反映, shown like any issue's reporter) that names the visit (survey: grid, "
                + "visitId, finding); the visit names the issue (findings[n].issueId). A finding becomes one issue whether or not an Idempotency-Key is "
                + "sent: the issue's id comes from the finding, so reporting it again reaches the same issue (Idempotent-Replayed), or 409 when another "
                + "request reported it first with another category, title or reporter.");
        api.MapGet("/grids/{code}/coverage", GetCoverage)
            .WithName("GetGridSurveyCoverage")
            .WithSummary("How far a grid's survey reaches")
            .WithDescription("摸排 coverage for month=YYYY-MM (default this month): households registered, visited in the month and not, never visited "
                + "(the first 100 named), visits and place visits in the month, findings and how many became issues.");
        return endpoints;
    }

    private static async Task<Results<Ok<GridPersonResponse>, ValidationProblem, ProblemHttpResult>> PutLeader(
        [Registered] GridValue code, GridPersonInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var person = body.Validate(worker: false, errors);
        if (person is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The fingerprint is of what was asked (not who asked), so the same leader named again changes nothing.
        person = person with { Id = Guid.CreateVersion7(), Grid = grid.ToString(), Fingerprint = Fingerprint(person), Actor = http.Caller().Actor };
        return Changed(await grains.GetGridStaff(grid).SetLeader(person), GridPersonResponse.From);
    }

    private static async Task<Results<Ok<GridPersonResponse>, ProblemHttpResult>> GetLeader([Registered] GridValue code, IGrainFactory grains)
    {
        GridCode grid = code;
        return await grains.GetGridStaff(grid).Leader() is { } leader
            ? TypedResults.Ok(GridPersonResponse.From(leader))
            : Problems.NotFound($"No grid leader is named for grid {grid}; PUT /api/v1/grids/{grid}/leader (the unit's leader contact is only a published contact).");
    }

    private static async Task<Ok<ListResponse<GridPersonResponse>>> ListWorkers([Registered] GridValue code, [AsParameters] Paging paging, IGrainFactory grains)
    {
        GridCode grid = code;
        var workers = await grains.GetGridStaff(grid).Workers();
        return TypedResults.Ok(paging.Of(workers.Select(GridPersonResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<GridPersonResponse>, Created<GridPersonResponse>, ValidationProblem, ProblemHttpResult>> AddWorker(
        [Registered] GridValue code, GridPersonInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = IdempotencyKey(http, errors);
        var person = body.Validate(worker: true, errors);
        if (person is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        person = person with { Id = NewId($"grid-worker/{grid}", key), Grid = grid.ToString(), Actor = http.Caller().Actor };
        var result = await grains.GetGridStaff(grid).AddWorker(person with { Fingerprint = Fingerprint(person) });
        return Answer(result, GridPersonResponse.From, http, _ => $"/api/v1/grids/{grid}/workers");
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveWorker(
        [Registered] GridValue code, string id, string? reason, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var workerId = ParseId(id, "id", "a worker id (a GUID)", errors);
        var why = Rules.OptionalText(errors, "reason", reason, 500);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var result = await grains.GetGridStaff(grid).RemoveWorker(workerId!.Value, why, http.Caller().Actor);
        return result.Status == PartyStatus.Done ? TypedResults.NoContent() : Problems.NotFound(result.Message!);
    }

    private static async Task<Results<Ok<SurveyVisitResponse>, Created<SurveyVisitResponse>, ValidationProblem, ProblemHttpResult>> RecordVisit(
        [Registered] GridValue code, SurveyVisitInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = IdempotencyKey(http, errors);
        var visit = body.Validate(Today(clock), errors);
        if (visit is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The actor is part of the fingerprint, so a retry is recognised only as the same caller's same request.
        visit = visit with { Id = NewId($"survey-visit/{grid}", key), Grid = grid.ToString(), Actor = http.Caller().Actor };
        var result = await grains.GetGridStaff(grid).RecordVisit(visit with { Fingerprint = Fingerprint(visit) });
        return Answer(result, SurveyVisitResponse.From, http, v => $"/api/v1/grids/{grid}/visits/{v.Id}");
    }

    private static async Task<Results<Ok<ListResponse<SurveyVisitResponse>>, ValidationProblem>> ListVisits(
        [Registered] GridValue code, string? month, [AsParameters] Paging paging, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        PartyMonth? m = month is null ? null : Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var visits = await grains.GetGridStaff(grid).Visits(m);
        return TypedResults.Ok(paging.Of(visits.Select(SurveyVisitResponse.From).ToArray()));
    }

    private static async Task<Results<Ok<SurveyVisitResponse>, ValidationProblem, ProblemHttpResult>> GetVisit(
        [Registered] GridValue code, string id, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var visitId = ParseId(id, "id", "a visit id (a GUID)", errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return await grains.GetGridStaff(grid).Visit(visitId!.Value) is { } visit
            ? TypedResults.Ok(SurveyVisitResponse.From(visit))
            : Problems.NotFound($"No visit {id} in grid {grid}.");
    }

    private static async Task<Results<Created<IssueResponse>, ValidationProblem, ProblemHttpResult>> ReportFinding(
        [Registered] GridValue code, string id, string n, FindingReportInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        // Checked like every Idempotency-Key, though not needed: the finding, not the key, names the issue it becomes.
        _ = IdempotencyKey(http, errors);
        var visitId = ParseId(id, "id", "a visit id (a GUID)", errors);
        if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            errors.Add("n", "must be the number of a finding of the visit, from 1");
        }
        var category = Rules.RequiredText(errors, "category", body.Category, 64);
        var title = Rules.OptionalText(errors, "title", body.Title, IssueInput.MaxTitle);
        Reporter? reporter = null;
        if (body.Reporter is not null)
        {
            var name = Rules.RequiredText(errors, "reporter.name", body.Reporter.Name);
            var phone = Rules.Phone(errors, "reporter.phone", body.Reporter.Phone);
            reporter = name is null || phone is null ? null : new Reporter(name, phone);
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var staff = grains.GetGridStaff(grid);
        var found = await staff.Finding(visitId!.Value, number);
        if (found.Status != PartyStatus.Done)
        {
            return Problems.NotFound(found.Message!);
        }
        var finding = found.Value!;
        var text = finding.Text;
        var request = new NewIssue(grid.ToString(), category!, title ?? (text.Length <= IssueInput.MaxTitle ? text : text[..IssueInput.MaxTitle]),
            text, null, reporter, [], null, null, Activity.Current?.Id, http.Caller().Actor, new SurveySource(grid.ToString(), visitId.Value, number));
        // One finding is one issue: the id comes from the finding, so a retry (or a report made after the link was lost)
        // reaches the issue already made; the fingerprint is of what was asked, so another category or title is refused.
        var issueId = finding.IssueId ?? NewId($"survey-finding/{grid}/{visitId}", number.ToString(CultureInfo.InvariantCulture));
        var outcome = await grains.GetGrain<IIssueIntakeGrain>(0).Report(issueId, request with { Fingerprint = Fingerprint(request with { TraceParent = null, Actor = null }) });
        switch (outcome.Status)
        {
            case IssueOutcomeStatus.Done:
                var linked = await staff.LinkIssue(visitId.Value, number, issueId, http.Caller().Actor);
                if (linked.Status != PartyStatus.Done)
                {
                    return Problems.Conflict("Not allowed in the current state", linked.Message!);
                }
                if (!outcome.Created)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }
                return TypedResults.Created($"/api/v1/issues/{issueId}", IssueResponse.From(outcome.Issue!));
            case IssueOutcomeStatus.NotFound:
                return Problems.NotFound(outcome.Message!);
            case IssueOutcomeStatus.IdempotencyMismatch:
                return Problems.Conflict("Not allowed in the current state",
                    $"Finding {number} of visit {visitId} was already reported as issue {issueId}, with another category or title.");
            default:
                return Problems.Invalid(outcome.Field!, outcome.Message!);
        }
    }

    private static async Task<Results<Ok<SurveyCoverage>, ValidationProblem>> GetCoverage(
        [Registered] GridValue code, string? month, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var m = Month(month, errors, clock);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        return TypedResults.Ok(await grains.GetGridStaff(grid).Coverage(m));
    }
}

/// <summary>
/// A grid leader or worker as the API shows it. The name is public (网格长 and 网格员 are named on the grid's board); the phone
/// is personal data, masked unless the caller handles or manages the grid.
/// </summary>
public sealed record GridPersonResponse(
    Guid Id,
    string Grid,
    string Name,
    string? Phone,
    string Link,
    Guid? MemberId,
    CadreLink? Cadre,
    WorkerKind? Kind,
    string? Note,
    IReadOnlyList<HeldRole> AlsoHolds,
    DateTimeOffset Since,
    Actor? Actor) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string? IPersonalData.PersonalDataWhat => Phone is null ? null : $"grid person {Id} phone";

    IPersonalData IPersonalData.Masked() => this with { Phone = Phone is null ? null : Privacy.MaskPhone(Phone) };

    public static GridPersonResponse From(GridPersonView v)
    {
        var p = v.Person;
        var link = (p.MemberId, p.Cadre) switch
        {
            (not null, not null) => "memberAndCadre",
            (not null, null) => "member",
            (null, not null) => "cadre",
            _ => "standalone",
        };
        return new GridPersonResponse(p.Id, p.Grid, p.Name, p.Phone, link, p.MemberId, p.Cadre, p.Kind, p.Note, v.AlsoHolds, p.Since, p.Actor);
    }
}

/// <summary>A survey visit (摸排) as the API shows it; its note may describe a household, so it is personal data.</summary>
public sealed record SurveyVisitResponse(
    Guid Id,
    string Grid,
    Guid WorkerId,
    string WorkerName,
    DateOnly Date,
    Guid? HouseholdId,
    string? Place,
    string? Note,
    IReadOnlyList<SurveyFinding> Findings,
    DateTimeOffset RecordedAt,
    Actor? Actor) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    string? IPersonalData.PersonalDataWhat => Note is null ? null : $"survey visit {Id} note";

    IPersonalData IPersonalData.Masked() => this with { Note = Note is null ? null : PersonalData.Hidden };

    public static SurveyVisitResponse From(SurveyVisit v) =>
        new(v.Id, v.Grid, v.WorkerId, v.WorkerName, v.Date, v.HouseholdId, v.Place, v.Note, v.Findings, v.RecordedAt, v.Actor);
}
