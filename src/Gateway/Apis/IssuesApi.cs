using GridActors.Grains.Infrastructure;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridActors.Gateway.Access;
using GridActors.Grains.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Issues;
using GridActors.Grains.Queues;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>Issues (民情/事件): report at a grid, act on them, list what a unit holds, and resolution statistics.</summary>
public static class IssuesApi
{
    public const int MaxIdempotencyKey = 200;

    private static readonly Dictionary<string, IssueAction> Actions = new()
    {
        ["accept"] = IssueAction.Accept,
        ["assign"] = IssueAction.Assign,
        ["resolve"] = IssueAction.Resolve,
        ["escalate"] = IssueAction.Escalate,
        ["hand-down"] = IssueAction.HandDown,
        ["close"] = IssueAction.Close,
        ["reopen"] = IssueAction.Reopen,
        ["reject"] = IssueAction.Reject,
        ["duplicate"] = IssueAction.Duplicate,
    };

    private static readonly Dictionary<IssueAction, string> ActionTerms = new()
    {
        [IssueAction.Accept] = "受理 accept the issue at the level holding it",
        [IssueAction.Assign] = "分派 hand it to a Party member (memberId)",
        [IssueAction.Resolve] = "办结 resolve it at the level holding it (note); the resolution level is recorded",
        [IssueAction.Escalate] = "上报 escalate to the next level up with a reason (note)",
        [IssueAction.HandDown] = "交办 hand it down to a child unit (to) with instructions (note)",
        [IssueAction.Close] = "评价 close it with the reporter's satisfaction, 1 to 5",
        [IssueAction.Reopen] = "重新办理 reopen a resolved or closed issue at the level that resolved it",
        [IssueAction.Reject] = "不予受理 reject it without resolution",
        [IssueAction.Duplicate] = "重复件 close it as a duplicate of another issue (of)",
    };

    public static IEndpointRouteBuilder MapIssuesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Issues").AnswersConflict();
        api.MapPost("/grids/{code}/issues", ReportIssue)
            .RequireRole(Roles.Reporter)
            .HonoursIdempotencyKey()
            .WithName("ReportIssue")
            .WithSummary("Report an issue at a grid")
            .WithDescription("民情上报: creates an issue at the grid (网格). Persisted before the answer. An Idempotency-Key header makes a retried POST return the first result instead of a second issue. "
                + "A category whose lowest level is higher climbs there at once (reason rule).");
        api.MapGet("/issues/{id}", GetIssue)
            .WithName("GetIssue")
            .WithSummary("Read an issue with its history")
            .WithDescription("事件详情: the issue, the unit holding it, its deadline there, and its append-only history (who, when, from, to, unit, level, note, trace id).");
        foreach (var (path, action) in Actions)
        {
            api.MapPost($"/issues/{{id}}/{path}", (string id, IssueActionInput? body, HttpContext http, IGrainFactory grains, GridClock clock) => ActOnIssue(action, id, body, http, grains, clock))
                .RequireRole(Roles.Handler)
                .WithName($"{action}Issue")
                .WithSummary($"{char.ToUpperInvariant(path[0])}{path[1..].Replace('-', ' ')} an issue")
                .WithDescription(ActionTerms[action] + ". An action not allowed in the issue's current state answers 409 naming that state.");
        }
        foreach (var (collection, level) in UnitsApi.Collections)
        {
            if (level.InProgramme())
            {
                // Issues are held from the grid up to the county; a city or province holds none, so it has no queue.
                api.MapGet($"/{collection}/{{code}}/issues", ([Registered] LevelValue code, string? status, bool? overdue, string? cursor, int? limit, IGrainFactory grains, GridClock clock) =>
                        ListIssues(code, status, overdue, cursor, limit, grains, clock))
                    .ForLevel(level)
                    .WithName($"List{level}Issues")
                    .WithSummary($"List the issues a {level.Name()} holds")
                    .WithDescription("事件队列: the issues this unit holds now, oldest first, with deadlines and overdue flags. status = open | done | all | a status name; overdue = true | false; paged by cursor.");
            }
            api.MapGet($"/{collection}/{{code}}/resolution-stats", ([Registered] LevelValue code, string? from, string? to, IGrainFactory grains, GridClock clock) =>
                    GetStats(code, from, to, grains, clock))
                .ForLevel(level)
                .WithName($"Get{level}ResolutionStats")
                .WithSummary($"Resolution statistics of a {level.Name()} and everything under it")
                .WithDescription("小事不出网格、大事不出村: reported, resolved (at grid, at village or below), escalated beyond the village, overdue now, median time to resolve, average satisfaction, gridRate and villageRate, reporterAnswers, reopenedByReporter and reopenedRate (the share of reporters' answers that reopened the issue), for days from..to (China Standard Time, inclusive; default the last 30 days).");
        }
        return endpoints;
    }

    private static async Task<Results<Created<IssueResponse>, ValidationProblem, ProblemHttpResult>> ReportIssue(
        [Registered] GridValue code, IssueInput body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        GridCode grid = code;
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKey || key.Any(char.IsControl))
        {
            errors.Add("Idempotency-Key", $"must be at most {MaxIdempotencyKey} printable characters");
        }
        var input = body.Validate(errors);
        var by = Rules.OptionalText(errors, "by", body.By);
        // Open311 marks its own reports with this prefix, and Open311 reads publish what such a reporter sent.
        if (by?.StartsWith(Open311.Open311Api.ReportedByPrefix, StringComparison.OrdinalIgnoreCase) == true)
        {
            errors.Add("by", $"must not start with \"{Open311.Open311Api.ReportedByPrefix.Trim()}\": that prefix marks reports made through Open311");
        }
        if (!errors.IsEmpty || input is not { } v)
        {
            return Problems.Invalid(errors);
        }

        var traceParent = Activity.Current is { } activity ? activity.Id : null;
        var request = new NewIssue(grid.ToString(), v.Category, v.Title, v.Description, v.Location, v.Reporter, v.Attachments, null, by, traceParent, http.Caller().Actor);
        var fingerprint = Fingerprint(request, key);
        var id = key.Length == 0 ? Guid.CreateVersion7() : IdFromKey(grid.ToString(), PartyApiSupport.ScopedToCaller(http, key));
        var outcome = await grains.Get<IIssueIntakeGrain>(0).Report(id, request with { Fingerprint = fingerprint });
        switch (outcome.Status)
        {
            case IssueOutcomeStatus.Done:
                if (!outcome.Created)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }
                return TypedResults.Created($"/api/v1/issues/{id}", await Shown(outcome.Issue!, http, grains, clock));
            case IssueOutcomeStatus.NotFound:
                return Problems.NotFound(outcome.Message!);
            case IssueOutcomeStatus.IdempotencyMismatch:
                return TypedResults.Problem(title: "Idempotency-Key reused", detail: $"The Idempotency-Key {outcome.Message}.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.IdempotencyKeyReused);
            default:
                return Problems.Invalid(outcome.Field!, outcome.Message!);
        }
    }

    private static async Task<Results<Ok<IssueResponse>, ValidationProblem, ProblemHttpResult>> GetIssue(string id, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        if (!Guid.TryParse(id, out var issueId))
        {
            return Problems.Invalid("id", "must be an issue id (a GUID)");
        }
        var issue = await grains.Get<IIssueGrain>(issueId).Get();
        if (issue is null || !AccessRules.CanRead(http, issue.OriginGrid, issue.Holder))
        {
            return Problems.NotFound($"No issue {id} exists.");
        }
        return TypedResults.Ok(await Shown(issue, http, grains, clock));
    }

    /// <summary>The issue as this caller may see it: the reporter through the one rule for personal data.</summary>
    internal static Task<IssueResponse> Shown(IssueView issue, HttpContext http, IGrainFactory grains, GridClock clock) =>
        PersonalData.Show(http, grains, clock.GetUtcNow(), IssueResponse.From(issue) with { ConfirmLink = ConfirmLinkFor(issue, http, clock) });

    /// <summary>
    /// The confirmation link of the current resolution (确认链接), while the reporter has not answered it and it works: shown
    /// to a handler of the unit holding the issue, who passes it on to a resident without an app, and to a reporter key of
    /// the grid where it was reported (the reporter's channel). Anyone holding it may answer once, so no one else sees it.
    /// </summary>
    private static string? ConfirmLinkFor(IssueView issue, HttpContext http, GridClock clock)
    {
        if (issue.ResolvedAt is not { } resolvedAt || issue.Status is not (IssueStatus.Resolved or IssueStatus.Closed)
            || ReporterAnswer.Current(issue.History) is not { } resolution || issue.ReporterAnswers?.Any(a => a.Resolution == resolution) == true)
        {
            return null;
        }
        var caller = http.Caller();
        if (!(caller.Has(Roles.Handler) && caller.Covers(issue.Holder)) && !(caller.Has(Roles.Reporter) && caller.Covers(issue.OriginGrid)))
        {
            return null;
        }
        var links = http.RequestServices.GetRequiredService<ConfirmLinks>();
        return clock.GetUtcNow() > resolvedAt + links.Validity ? null : links.Link(issue.Id, resolution, resolvedAt);
    }

    private static async Task<Results<Ok<IssueResponse>, ValidationProblem, ProblemHttpResult>> ActOnIssue(
        IssueAction action, string id, IssueActionInput? body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        body ??= new IssueActionInput();
        var errors = new ValidationErrors();
        if (!Guid.TryParse(id, out var issueId))
        {
            errors.Add("id", "must be an issue id (a GUID)");
        }
        var by = Rules.OptionalText(errors, "by", body.By);
        var needsNote = action is IssueAction.Escalate or IssueAction.HandDown or IssueAction.Resolve;
        var note = needsNote ? Rules.RequiredText(errors, "note", body.Note, 2000) : Rules.OptionalText(errors, "note", body.Note, 2000, multiline: true);
        string? memberId = null, to = null;
        int? satisfaction = null;
        Guid? of = null;
        switch (action)
        {
            case IssueAction.Assign:
                memberId = Rules.RequiredText(errors, "memberId", body.MemberId, 64);
                break;
            case IssueAction.HandDown:
                if (!UnitCode.TryParse(body.To, out var child, out var toError))
                {
                    errors.Add("to", toError);
                }
                to = child.Value;
                break;
            case IssueAction.Close:
                if (body.Satisfaction is not (>= 1 and <= 5))
                {
                    errors.Add("satisfaction", "is required: a whole number from 1 to 5");
                }
                satisfaction = body.Satisfaction;
                break;
            case IssueAction.Duplicate:
                if (!Guid.TryParse(body.Of, out var original))
                {
                    errors.Add("of", "is required: the id of the original issue");
                }
                of = original;
                break;
        }
        foreach (var (field, value) in new (string, object?)[] { ("memberId", body.MemberId), ("to", body.To), ("satisfaction", body.Satisfaction), ("of", body.Of) })
        {
            var applies = (field, action) is ("memberId", IssueAction.Assign) or ("to", IssueAction.HandDown) or ("satisfaction", IssueAction.Close) or ("of", IssueAction.Duplicate);
            if (value is not null && !applies)
            {
                errors.Add(field, $"does not apply to {IssueLifecycle.ActionName(action)}");
            }
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }

        var current = await grains.Get<IIssueGrain>(issueId).Get();
        if (current is null || !AccessRules.CanRead(http, current.OriginGrid, current.Holder))
        {
            return Problems.NotFound($"No issue {id} exists.");
        }
        if (!AccessRules.CanWrite(http, current.Holder) || (to is not null && !AccessRules.CanWrite(http, to)))
        {
            return TypedResults.Problem(title: "Forbidden", detail: $"The issue is held by {current.Holder}, outside this key's jurisdiction.",
                statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.Forbidden);
        }
        var traceParent = Activity.Current is { } activity ? activity.Id : null;
        var outcome = await grains.Get<IIssueGrain>(issueId).Act(new IssueCommand(action, by, note, memberId, to, satisfaction, of, traceParent, http.Caller().Actor));
        return outcome.Status switch
        {
            IssueOutcomeStatus.Done => TypedResults.Ok(await Shown(outcome.Issue!, http, grains, clock)),
            IssueOutcomeStatus.NotFound => Problems.NotFound($"No issue {id} exists."),
            IssueOutcomeStatus.IllegalTransition => Problems.Conflict("Action not allowed in the current state", outcome.Message!,
                new Dictionary<string, object?> { ["currentState"] = IssueLifecycle.StatusName(outcome.Issue!.Status) }),
            _ => Problems.Invalid(outcome.Field!, outcome.Message!),
        };
    }

    private static async Task<Results<Ok<ListResponse<QueueItemResponse>>, ValidationProblem, ProblemHttpResult>> ListIssues(
        LevelValue code, string? status, bool? overdue, string? cursor, int? limit, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var filter = QueueFilter.All;
        IssueStatus? exact = null;
        // Any letter case, like every enumerated value (docs/api.md, "Vocabulary").
        switch (status?.Trim().ToLowerInvariant())
        {
            case null or "all": break;
            case "open": filter = QueueFilter.Open; break;
            case "done": filter = QueueFilter.Done; break;
            default:
                var match = Enum.GetValues<IssueStatus>().Where(s => string.Equals(IssueLifecycle.StatusName(s), status.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
                if (match.Length == 1)
                {
                    exact = match[0];
                }
                else
                {
                    errors.Add("status", GridActors.Grains.Vocabulary.EnumNames.OneOf(new[] { "open", "done", "all" }.Concat(Enum.GetValues<IssueStatus>().Select(IssueLifecycle.StatusName))));
                }
                break;
        }
        if (cursor is not null && !QueueCursor.TryRead(cursor, out _, out _))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (limit is < 1 or > 200)
        {
            errors.Add("limit", "must be from 1 to 200");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var page = await grains.GetGrain<IIssueQueueGrain>(code.Unit.Value).List(new QueueQuery(filter, exact, overdue, cursor, limit ?? 50));
        return TypedResults.Ok(new ListResponse<QueueItemResponse>(page.Items.Select(e => QueueItemResponse.From(e, clock.GetUtcNow())).ToArray(), page.NextCursor, page.Total));
    }

    private static async Task<Results<Ok<ResolutionStatsResponse>, ValidationProblem, ProblemHttpResult>> GetStats(
        LevelValue code, string? from, string? to, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var today = StatsCalendar.Day(clock.GetUtcNow());
        DateOnly toDay = today, fromDay = today.AddDays(-29);
        if (to is not null && !DateOnly.TryParseExact(to, "yyyy-MM-dd", out toDay))
        {
            errors.Add("to", "must be a date YYYY-MM-DD");
        }
        if (from is not null && !DateOnly.TryParseExact(from, "yyyy-MM-dd", out fromDay))
        {
            errors.Add("from", "must be a date YYYY-MM-DD");
        }
        else if (from is null)
        {
            // The default 30-day window; clamped so a `to` in the first days of year 1 (or one that failed to parse and
            // left toDay at its default) names a window rather than overflowing DateOnly into a 500.
            fromDay = DateOnly.FromDayNumber(Math.Max(0, toDay.DayNumber - 29));
        }
        if (errors.IsEmpty && fromDay > toDay)
        {
            errors.Add("from", "must not be after to");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var stats = await grains.GetGrain<IResolutionStatsGrain>(code.Unit.Value).Get(fromDay, toDay);
        return TypedResults.Ok(ResolutionStatsResponse.Create(stats, code.Level));
    }

    /// <summary>
    /// The same grid and Idempotency-Key always name the same issue id, so a retry reaches the issue created
    /// the first time and needs no separate key store (no extra write on the hot path).
    /// </summary>
    internal static Guid IdFromKey(string grid, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/issue/{grid}/{key}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (name-based, custom hash), as laid out by Guid's byte order
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes);
    }

    /// <summary>
    /// What a retry with the same Idempotency-Key must repeat (the request without its trace), or null without a key:
    /// only such a retry reaches the issue again, so without one there is nothing to compare.
    /// </summary>
    internal static string? Fingerprint(NewIssue request, string idempotencyKey) => idempotencyKey.Length == 0
        ? null
        : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request with { TraceParent = null }))));
}

public sealed record HolderResponse(string Code, UnitLevel Level);

/// <summary>
/// An issue as the API shows it. The reporter's name and phone are personal data: shown to handlers and managers of the
/// unit holding the issue or of the grid where it was reported (audited under that grid), masked for everyone else.
/// </summary>
public sealed record IssueResponse(
    Guid Id,
    string County,
    string Grid,
    string Category,
    string Title,
    string? Description,
    IssueLocation? Location,
    Reporter? Reporter,
    IReadOnlyList<Attachment> Attachments,
    IssueStatus Status,
    HolderResponse Holder,
    DateTimeOffset? Deadline,
    bool Overdue,
    string? AssignedMember,
    UnitLevel? ResolutionLevel,
    DateTimeOffset? ResolvedAt,
    int? Satisfaction,
    Guid? DuplicateOf,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<HistoryEntry> History,
    long Version,
    IReadOnlyList<GridActors.Grains.PartyNetwork.PostHolder>? SuggestedPostHolders = null,
    SurveySource? Survey = null,
    IReadOnlyList<ReporterAnswer>? ReporterAnswers = null,
    string? ConfirmLink = null) : IPersonalData
{
    string IPersonalData.PersonalDataUnit => Grid;

    IEnumerable<string> IPersonalData.PersonalDataReaders => [Holder.Code, Grid];

    string? IPersonalData.PersonalDataWhat => Reporter is null ? null : $"issue {Id} reporter";

    IPersonalData IPersonalData.Masked() =>
        Reporter is { } reporter ? this with { Reporter = new Reporter(Privacy.MaskName(reporter.Name), Privacy.MaskPhone(reporter.Phone)) } : this;

    public static IssueResponse From(IssueView i) => new(
        i.Id, i.County, i.OriginGrid, i.Category, i.Title, i.Description, i.Location, i.Reporter, i.Attachments, i.Status,
        new HolderResponse(i.Holder, i.HolderLevel), i.Deadline, i.Overdue, i.AssignedMember, i.ResolutionLevel, i.ResolvedAt,
        i.Satisfaction, i.DuplicateOf, i.ReportedAt, i.UpdatedAt, i.History, i.Version, i.SuggestedPostHolders, i.Survey,
        i.ReporterAnswers ?? []);
}

public sealed record QueueItemResponse(Guid Id, string Category, string Title, IssueStatus Status, string Grid, DateTimeOffset ArrivedAt, DateTimeOffset? Deadline, bool Overdue)
{
    public static QueueItemResponse From(QueueEntry e, DateTimeOffset now) =>
        new(e.IssueId, e.Category, e.Title, e.Status, e.OriginGrid, e.ArrivedAt, e.Deadline, e.Deadline is { } d && d < now);
}

public sealed record ResolutionStatsResponse(
    string Unit,
    UnitLevel Level,
    DateOnly From,
    DateOnly To,
    long Reported,
    long Resolved,
    long ResolvedAtGrid,
    long ResolvedAtVillageOrBelow,
    long EscalatedBeyondVillage,
    long OverdueNow,
    string? MedianTimeToResolve,
    double? MedianTimeToResolveSeconds,
    double? AverageSatisfaction,
    double? GridRate,
    double? VillageRate,
    long ReporterAnswers,
    long ReopenedByReporter,
    double? ReopenedRate)
{
    public static ResolutionStatsResponse Create(ResolutionStats s, UnitLevel level) => new(
        s.Unit, level, s.From, s.To, s.Reported, s.Resolved, s.ResolvedAtGrid, s.ResolvedAtVillageOrBelow, s.EscalatedBeyondVillage,
        s.OverdueNow, s.MedianTimeToResolve is { } m ? System.Xml.XmlConvert.ToString(m) : null, s.MedianTimeToResolve?.TotalSeconds,
        s.AverageSatisfaction, s.GridRate, s.VillageRate, s.ReporterAnswers, s.ReopenedByReporter, s.ReopenedRate);
}
