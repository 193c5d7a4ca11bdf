using GridActors.Grains.Vocabulary;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Commitments;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stars;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static GridActors.Gateway.Apis.PartyApiSupport;

namespace GridActors.Gateway.Apis;

/// <summary>承诺制: a group's and a member's yearly commitments, drafted (定诺), published (亮诺), fulfilled (践诺), evaluated (评诺).</summary>
public static class CommitmentsApi
{
    private static readonly (string Prefix, StarSubjectKind Kind, string Name)[] Owners =
    [
        ("/grids/{code}/party-group/commitments/{year}", StarSubjectKind.Group, "Group"),
        ("/members/{id}/commitments/{year}", StarSubjectKind.Member, "Member"),
    ];

    public static IEndpointRouteBuilder MapCommitmentsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Commitments").AnswersConflict();
        foreach (var (prefix, kind, name) in Owners)
        {
            var owner = kind == StarSubjectKind.Group ? "the Party group (to its members and the residents of its grid)" : "the member (to its group and residents)";
            api.MapPut(prefix, (HttpContext http, int year, DraftInput body, IGrainFactory grains) => Draft(kind, http, year, body, grains))
                .Produces<CommitmentView>()
                .WithName($"Draft{name}Commitments")
                .WithSummary($"Draft the commitments of {owner} for a year")
                .WithDescription("定诺: items (text; to = members | residents | group; measure and target where it can be measured, e.g. \"visits\" and 60). "
                    + "Replaces the draft; 409 once published (亮诺), naming the status.");
            api.MapGet(prefix, (HttpContext http, int year, IGrainFactory grains) => Get(kind, http, year, grains))
                .WithName($"Get{name}Commitments")
                .WithSummary($"Read the commitments of {owner} for a year")
                .WithDescription("承诺书: status (drafted 定诺 | published 亮诺 | fulfilling 践诺 | evaluated 评诺), items, progress with linked evidence, evaluation scores, rewards and penalties, history.");
            api.MapPost(prefix + "/publish", (HttpContext http, int year, string? by, IGrainFactory grains) => Publish(kind, http, year, by, grains))
                .Produces<CommitmentView>()
                .WithName($"Publish{name}Commitments")
                .WithSummary("Publish the commitments")
                .WithDescription("亮诺: the commitments become public (the village's 三亮 view shows them) and can no longer be edited.");
            api.MapPost(prefix + "/progress", (HttpContext http, int year, ProgressInput body, IGrainFactory grains, GridClock clock) => Progress(kind, http, year, body, grains, clock))
                .HonoursIdempotencyKey().Produces<CommitmentView>(StatusCodes.Status201Created).Produces<CommitmentView>()
                .WithName($"Record{name}CommitmentProgress")
                .WithSummary("Record progress on an item, with evidence")
                .WithDescription("践诺: item, date, amount towards the target, note, links to records (issue: resolved or closed; activity; pairingVisit; postWork; task: done) "
                    + "checked against the owner, and files (photo, document, certificate). At least one link or file. Idempotency-Key makes a retry safe.");
            api.MapPost(prefix + "/evaluations", (HttpContext http, int year, EvaluationInput body, IGrainFactory grains) => Evaluate(kind, http, year, body, grains))
                .Produces<CommitmentView>()
                .WithName($"Evaluate{name}Commitments")
                .WithSummary("Record evaluation scores per item")
                .WithDescription("评诺: scores 0-100 per item from members (member) and residents' representatives (residentRepresentative), with the evaluator's name.");
            api.MapPost(prefix + "/decisions", (HttpContext http, int year, DecisionInput body, IGrainFactory grains, GridClock clock) => Decide(kind, http, year, body, grains, clock))
                .HonoursIdempotencyKey().Produces<CommitmentView>(StatusCodes.Status201Created).Produces<CommitmentView>()
                .WithName($"Record{name}CommitmentDecision")
                .WithSummary("Record a reward or penalty")
                .WithDescription("奖惩: a reward or penalty decided after the evaluation (评诺); 409 before it.");
        }
        return endpoints;
    }

    /// <summary>
    /// The owner in the path: its id, name and grid, or the answer that stops the request. One handler serves a group's
    /// route (<c>{code}</c>) and a member's (<c>{id}</c>), so the owner is read here rather than bound as a parameter; a
    /// group's code is answered as <see cref="RouteChecks"/> answers every unit code.
    /// </summary>
    internal static async Task<(string Id, string Name, string Grid, IResult? Stop)> Owner(StarSubjectKind kind, HttpContext http, IGrainFactory grains, bool write)
    {
        if (kind == StarSubjectKind.Group)
        {
            GridValue.TryParse((string?)http.Request.RouteValues["code"], null, out var code);
            if (code.Error is { } error)
            {
                return ("", "", "", Problems.Invalid("code", error));
            }
            var grid = code.ToString();
            if (await grains.GetPartyGroup(grid).Get() is not null)
            {
                return (grid, $"网格党小组 {grid}", grid, null);
            }
            return ("", "", "", await grains.GetUnit(code.Unit).IsRegistered()
                ? Problems.NotFound($"No Party group is set up in grid {grid}.")
                : RouteChecks.NotRegistered(code.Unit));
        }
        var text = (string)http.Request.RouteValues["id"]!;
        if (!Guid.TryParse(text, out var id))
        {
            return ("", "", "", Problems.Invalid("id", "must be a member id (a GUID)"));
        }
        var member = await grains.GetMember(id).Get();
        if (member is null || !AccessRules.CanRead(http, member.Details.Grid))
        {
            return ("", "", "", Problems.NotFound($"No member {text} exists."));
        }
        if (write && !AccessRules.CanWrite(http, member.Details.Grid))
        {
            return ("", "", "", TypedResults.Problem(title: "Forbidden", detail: $"Member {text} is outside this key's jurisdiction.", statusCode: StatusCodes.Status403Forbidden));
        }
        return (id.ToString(), member.Details.Name, member.Details.Grid, null);
    }

    internal static bool BadYear(int year) => year is < 2000 or > 2100;

    private static async Task<IResult> Draft(StarSubjectKind kind, HttpContext http, int year, DraftInput body, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (BadYear(year))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        var items = body.Validate(kind, errors);
        var by = Rules.OptionalText(errors, "by", body.By);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, name, grid, stop) = await Owner(kind, http, grains, write: true);
        if (stop is not null)
        {
            return stop;
        }
        var result = await grains.GetCommitments(kind, id, year).Draft(name, grid, items, by, http.Caller().Actor);
        return Answer(result, v => v, http);
    }

    private static async Task<IResult> Get(StarSubjectKind kind, HttpContext http, int year, IGrainFactory grains)
    {
        if (BadYear(year))
        {
            return Problems.Invalid("year", "must be a year such as 2026");
        }
        var (id, _, _, stop) = await Owner(kind, http, grains, write: false);
        if (stop is not null)
        {
            return stop;
        }
        return await grains.GetCommitments(kind, id, year).Get() is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"No commitments are drafted for {year}.");
    }

    private static async Task<IResult> Publish(StarSubjectKind kind, HttpContext http, int year, string? by, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var who = Rules.OptionalText(errors, "by", by);
        if (BadYear(year))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await Owner(kind, http, grains, write: true);
        return stop ?? Answer(await grains.GetCommitments(kind, id, year).Publish(who, http.Caller().Actor), v => v, http);
    }

    private static async Task<IResult> Progress(StarSubjectKind kind, HttpContext http, int year, ProgressInput body, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var key = IdempotencyKey(http, errors);
        if (BadYear(year))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        var progress = body.Validate(Today(clock), errors);
        if (progress is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await Owner(kind, http, grains, write: true);
        if (stop is not null)
        {
            return stop;
        }
        var result = await grains.GetCommitments(kind, id, year).RecordProgress(progress with { Id = NewId($"commitment-progress/{kind}/{id}/{year}", key), Actor = http.Caller().Actor });
        return Answer(result, v => v, http, _ => http.Request.Path.Value![..^"/progress".Length]);
    }

    private static async Task<IResult> Evaluate(StarSubjectKind kind, HttpContext http, int year, EvaluationInput body, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (BadYear(year))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        var scores = body.Validate(errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await Owner(kind, http, grains, write: true);
        return stop ?? Answer(await grains.GetCommitments(kind, id, year).Evaluate(scores, http.Caller().Actor), v => v, http);
    }

    private static async Task<IResult> Decide(StarSubjectKind kind, HttpContext http, int year, DecisionInput body, IGrainFactory grains, GridClock clock)
    {
        var errors = new ValidationErrors();
        var key = IdempotencyKey(http, errors);
        if (BadYear(year))
        {
            errors.Add("year", "must be a year such as 2026");
        }
        var decision = body.Validate(Today(clock), errors);
        if (decision is null || !errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var (id, _, _, stop) = await Owner(kind, http, grains, write: true);
        if (stop is not null)
        {
            return stop;
        }
        var result = await grains.GetCommitments(kind, id, year).Decide(decision with { Id = NewId($"commitment-decision/{kind}/{id}/{year}", key), Actor = http.Caller().Actor });
        return Answer(result, v => v, http, _ => http.Request.Path.Value![..^"/decisions".Length]);
    }
}

/// <summary>One item as sent.</summary>
public sealed record CommitmentItemInput(string? Text, string? To, string? Measure, decimal? Target);

/// <summary>A draft as sent (定诺).</summary>
public sealed record DraftInput(IReadOnlyList<CommitmentItemInput?>? Items, string? By)
{
    public const int MaxItems = 20;

    public IReadOnlyList<CommitmentItem> Validate(StarSubjectKind kind, ValidationErrors errors)
    {
        var result = new List<CommitmentItem>();
        if (Items is null || Items.Count == 0 || Items.Count > MaxItems)
        {
            errors.Add("items", $"must list 1 to {MaxItems} commitment items");
            return result;
        }
        for (var i = 0; i < Items.Count; i++)
        {
            if (Items[i] is not { } item)
            {
                errors.Add($"items[{i}]", "must be an object");
                continue;
            }
            var text = Rules.RequiredText(errors, $"items[{i}].text", item.Text, 500);
            if (!EnumNames.TryParse<CommitmentAudience>(item.To, out var to))
            {
                errors.Add($"items[{i}].to", EnumNames.OneOf<CommitmentAudience>());
            }
            else if ((kind == StarSubjectKind.Group && to == CommitmentAudience.Group) || (kind == StarSubjectKind.Member && to == CommitmentAudience.Members))
            {
                errors.Add($"items[{i}].to", kind == StarSubjectKind.Group
                    ? "must be members or residents: a group promises to its members and to the residents"
                    : "must be group or residents: a member promises to its group and to the residents");
            }
            var measure = Rules.OptionalText(errors, $"items[{i}].measure", item.Measure);
            if (item.Target is { } t && (t <= 0 || t > 100_000))
            {
                errors.Add($"items[{i}].target", "must be above 0 and at most 100000");
            }
            if ((measure is null) != (item.Target is null))
            {
                errors.Add($"items[{i}].target", "and measure go together: both for a measurable item, neither otherwise");
            }
            if (text is not null)
            {
                result.Add(new CommitmentItem(i + 1, text, to, measure, item.Target));
            }
        }
        return result;
    }
}

public sealed record EvidenceLinkInput(string? Kind, string? Id, [property: References(ReferenceKind.Unit)] string? Grid);

/// <summary>Progress as sent (践诺).</summary>
public sealed record ProgressInput(int? Item, string? Date, decimal? Amount, string? Note, IReadOnlyList<EvidenceLinkInput?>? Links, IReadOnlyList<EvidenceInput?>? Evidence, string? By)
{
    public NewProgress? Validate(DateOnly today, ValidationErrors errors)
    {
        if (Item is not (>= 1))
        {
            errors.Add("item", "is required: the number of a commitment item, from 1");
        }
        var date = today;
        if (Date is not null && !PartyCalendar.TryParseDate(Date, out date))
        {
            errors.Add("date", "must be a date YYYY-MM-DD");
        }
        else if (date > today)
        {
            errors.Add("date", "must not be after today");
        }
        if (Amount is < 0 or > 100_000)
        {
            errors.Add("amount", "must be from 0 to 100000");
        }
        var note = Rules.RequiredText(errors, "note", Note, 1000);
        var by = Rules.OptionalText(errors, "by", By);
        var links = new List<EvidenceLink>();
        if (Links is { Count: > 20 })
        {
            errors.Add("links", "must have at most 20 items");
        }
        for (var i = 0; Links is not null && i < Links.Count && i < 20; i++)
        {
            var link = Links[i];
            if (!EnumNames.TryParse<EvidenceLinkKind>(link?.Kind, out var kind))
            {
                errors.Add($"links[{i}].kind", EnumNames.OneOf<EvidenceLinkKind>());
                continue;
            }
            if (!Guid.TryParse(link!.Id, out var id))
            {
                errors.Add($"links[{i}].id", "must be the id (a GUID) of the linked record");
                continue;
            }
            if (link.Grid is not null && !GridCode.TryParse(link.Grid, out _, out _))
            {
                errors.Add($"links[{i}].grid", "must be a 15-digit grid code");
            }
            links.Add(new EvidenceLink(kind, id, link.Grid));
        }
        var files = EvidenceInput.Validate(errors, "evidence", Evidence, required: false);
        if (links.Count == 0 && files.Count == 0 && (Links?.Count ?? 0) == 0 && (Evidence?.Count ?? 0) == 0)
        {
            errors.Add("links", "or evidence is required: progress is recorded with evidence (a linked record or a file)");
        }
        return errors.IsEmpty ? new NewProgress(Guid.Empty, Item!.Value, date, Amount ?? 0, note!, links, files, by) : null;
    }
}

public sealed record EvaluationScoreInput(int? Item, string? Role, string? Evaluator, int? Score, string? Comment);

/// <summary>Scores as sent (评诺).</summary>
public sealed record EvaluationInput(IReadOnlyList<EvaluationScoreInput?>? Scores)
{
    public IReadOnlyList<EvaluationScore> Validate(ValidationErrors errors)
    {
        var result = new List<EvaluationScore>();
        if (Scores is null || Scores.Count == 0 || Scores.Count > 200)
        {
            errors.Add("scores", "must list 1 to 200 scores");
            return result;
        }
        for (var i = 0; i < Scores.Count; i++)
        {
            var s = Scores[i];
            if (s?.Item is not (>= 1))
            {
                errors.Add($"scores[{i}].item", "is required: the number of a commitment item, from 1");
            }
            if (!EnumNames.TryParse<EvaluatorRole>(s?.Role, out var role))
            {
                errors.Add($"scores[{i}].role", EnumNames.OneOf<EvaluatorRole>());
            }
            var evaluator = Rules.RequiredText(errors, $"scores[{i}].evaluator", s?.Evaluator);
            if (s?.Score is not (>= 0 and <= 100))
            {
                errors.Add($"scores[{i}].score", "must be from 0 to 100");
            }
            var comment = Rules.OptionalText(errors, $"scores[{i}].comment", s?.Comment, 500);
            if (errors.IsEmpty)
            {
                result.Add(new EvaluationScore(s!.Item!.Value, role, evaluator!, s.Score!.Value, comment, default));
            }
        }
        return result;
    }
}

/// <summary>A reward or penalty as sent.</summary>
public sealed record DecisionInput(string? Kind, string? Text, string? DecidedOn, string? By)
{
    public CommitmentDecision? Validate(DateOnly today, ValidationErrors errors)
    {
        if (!EnumNames.TryParse<DecisionKind>(Kind, out var kind))
        {
            errors.Add("kind", EnumNames.OneOf<DecisionKind>());
        }
        var text = Rules.RequiredText(errors, "text", Text, 500);
        var on = today;
        if (DecidedOn is not null && !PartyCalendar.TryParseDate(DecidedOn, out on))
        {
            errors.Add("decidedOn", "must be a date YYYY-MM-DD");
        }
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new CommitmentDecision(Guid.Empty, kind, text!, on, by, default) : null;
    }
}
