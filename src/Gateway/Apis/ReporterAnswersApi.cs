using System.Diagnostics;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The reporter's own word on a resolution (群众评价): settled or not, a satisfaction score of 1 to 5 and a comment, through
/// the reporter's key (<c>POST /api/v1/issues/{id}/confirm</c>), Open311 (<c>POST /open311/v2/requests/{id}/confirm</c>) or a
/// confirmation link that needs no key (<c>/public/v1/confirm</c>). The rules are the issue's
/// (<see cref="IssueLifecycle"/>): each resolution is answered once, and "not settled" reopens it, once.
/// </summary>
public static class ReporterAnswersApi
{
    public const int MaxComment = 2000;

    public static IEndpointRouteBuilder MapReporterAnswersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/v1").WithTags("Issues").AnswersConflict()
            .MapPost("/issues/{id}/confirm", ConfirmByKey)
            .RequireRole(Roles.Reporter)
            .WithName("ConfirmIssue")
            .WithSummary("The reporter confirms a resolved issue and rates it")
            .WithDescription("群众评价: settled (true or false), satisfaction 1 to 5 and an optional comment, once per resolution, with a reporter key covering "
                + "the grid where the issue was reported. Settled closes the issue with the score; not settled reopens it at the level that resolved it, "
                + "once (a second \"not settled\" is recorded and closes it). 409 names the state when the issue is not resolved or closed, or this resolution was answered.");
        return endpoints;
    }

    /// <summary>The keyless page and its POST; mapped in the public group.</summary>
    public static IEndpointRouteBuilder MapConfirmLinks(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ConfirmLinks.Page).WithTags("Public");
        group.MapGet("", () => TypedResults.Content(ConfirmPage, "text/html; charset=utf-8")).ExcludeFromDescription();
        group.MapPost("", ConfirmByLink)
            .WithName("ConfirmIssueByLink")
            .WithSummary("A resident confirms a resolved issue through a confirmation link, without a key")
            .WithDescription("确认链接: the token of the link (the part after # of /public/v1/confirm#<token>, which a handler or the reporter's app hands over once "
                + "the issue is resolved), settled, satisfaction 1 to 5 and an optional comment. A link works once and for Issues:ConfirmLinkDays (30) after the "
                + "resolution: used, expired or replaced by a later resolution it is 410; one this server did not sign is 404. Nothing is changed by a refused answer.")
            .ProducesProblem(StatusCodes.Status410Gone);
        return endpoints;
    }

    private static async Task<Results<Ok<IssueResponse>, ValidationProblem, ProblemHttpResult>> ConfirmByKey(
        string id, ReporterAnswerInput? body, HttpContext http, IGrainFactory grains, GridClock clock)
    {
        body ??= new ReporterAnswerInput();
        var errors = new ValidationErrors();
        if (!Guid.TryParse(id, out var issueId))
        {
            errors.Add("id", "must be an issue id (a GUID)");
        }
        var by = Rules.OptionalText(errors, "by", body.By);
        var answer = body.Validate(errors);
        if (!errors.IsEmpty || answer is not { } a)
        {
            return Problems.Invalid(errors);
        }
        var current = await grains.Get<IIssueGrain>(issueId).Get();
        if (current is null || !AccessRules.CanRead(http, current.OriginGrid, current.Holder))
        {
            return Problems.NotFound($"No issue {id} exists.");
        }
        // The reporter's channel is the grid where the issue was reported: the app that reported it answers for its resident.
        if (!AccessRules.CanWrite(http, current.OriginGrid))
        {
            return Problems.Forbidden($"The issue was reported in grid {current.OriginGrid}, outside this key's jurisdiction.");
        }
        var outcome = await grains.Get<IIssueGrain>(issueId).Act(Command(a, by, http.Caller().Actor, null));
        return outcome.Status switch
        {
            IssueOutcomeStatus.Done => TypedResults.Ok(await IssuesApi.Shown(outcome.Issue!, http, grains, clock)),
            IssueOutcomeStatus.IllegalTransition => Refused(outcome),
            IssueOutcomeStatus.Gone => Refused(outcome),
            _ => Problems.NotFound($"No issue {id} exists."),
        };
    }

    private static async Task<Results<Ok<LinkAnswerResponse>, ValidationProblem, ProblemHttpResult>> ConfirmByLink(
        ConfirmByLinkInput? body, IGrainFactory grains, GridClock clock, ConfirmLinks links)
    {
        body ??= new ConfirmByLinkInput();
        // The token is checked first: a forged link learns nothing, not even which of its fields would be wrong.
        if (!links.TryRead(body.Token, out var issueId, out var resolution, out var resolvedAt))
        {
            return TypedResults.Problem(title: "Not found", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
                detail: "token: this is not a confirmation link of this service; check that the whole link was copied",
                extensions: new Dictionary<string, object?> { ["field"] = "token" });
        }
        if (clock.GetUtcNow() > resolvedAt + links.Validity)
        {
            return Gone($"token: this link expired on {resolvedAt + links.Validity:yyyy-MM-dd}; links work for {links.Validity.TotalDays:0} days after the resolution");
        }
        var errors = new ValidationErrors();
        var answer = body.Answer.Validate(errors);
        if (!errors.IsEmpty || answer is not { } a)
        {
            return Problems.Invalid(errors);
        }
        var outcome = await grains.Get<IIssueGrain>(issueId).Act(Command(a, null, Actor.ConfirmLink, resolution));
        return outcome.Status switch
        {
            IssueOutcomeStatus.Done => TypedResults.Ok(LinkAnswerResponse.From(outcome.Issue!)),
            // A link is made for one resolution: if the issue has left it (reopened by its handler), the link is spent.
            IssueOutcomeStatus.IllegalTransition or IssueOutcomeStatus.Gone => Gone("token: " + (outcome.Status == IssueOutcomeStatus.Gone
                ? outcome.Message! : $"the issue is {IssueLifecycle.StatusName(outcome.Issue!.Status)} now; this link no longer applies")),
            _ => TypedResults.Problem(title: "Not found", detail: "token: the issue of this link no longer exists", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound),
        };
    }

    internal static IssueCommand Command(ReporterAnswerInput.Checked a, string? by, Actor actor, int? forResolution) =>
        new(IssueAction.Confirm, by, a.Comment, Satisfaction: a.Satisfaction, TraceParent: Activity.Current?.Id, Actor: actor, Settled: a.Settled, ForResolution: forResolution);

    private static ProblemHttpResult Refused(IssueOutcome outcome) => Problems.Conflict("The reporter cannot answer now", outcome.Message!,
        new Dictionary<string, object?> { ["currentState"] = IssueLifecycle.StatusName(outcome.Issue!.Status) });

    private static ProblemHttpResult Gone(string detail) => TypedResults.Problem(title: "This confirmation link no longer works", detail: detail,
        statusCode: StatusCodes.Status410Gone, type: ProblemTypes.ForStatus(StatusCodes.Status410Gone), extensions: new Dictionary<string, object?> { ["field"] = "token" });

    /// <summary>
    /// The page a link opens: it reads the token from the link's fragment and posts it with the answer. Plain HTML and a few
    /// lines of script, with no outside resources, so it works on any phone's browser.
    /// </summary>
    private const string ConfirmPage = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer"><title>群众评价 Confirm your issue</title></head>
        <body style="font-family:sans-serif;max-width:30em;margin:1em auto;padding:0 1em">
        <h1>群众评价</h1>
        <form id="answer">
        <p>您反映的问题解决了吗？ Is your matter settled?</p>
        <label><input type="radio" name="settled" value="true" required> 已解决 settled</label><br>
        <label><input type="radio" name="settled" value="false"> 未解决 not settled</label>
        <p><label>满意度 Satisfaction (1-5) <select name="satisfaction" required><option>5</option><option>4</option><option>3</option><option>2</option><option>1</option></select></label></p>
        <p><label>意见 Comment<br><textarea name="comment" maxlength="2000" rows="4" style="width:100%"></textarea></label></p>
        <button type="submit">提交 Send</button>
        </form>
        <p id="result" role="status"></p>
        <script>
        document.getElementById('answer').addEventListener('submit', async e => {
          e.preventDefault();
          const f = new FormData(e.target);
          const r = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: location.hash.slice(1), settled: f.get('settled') === 'true',
              satisfaction: Number(f.get('satisfaction')), comment: f.get('comment') || null }) });
          const a = await r.json();
          document.getElementById('result').textContent = r.ok ? '谢谢！Thank you.' : (a.detail || a.title);
          if (r.ok) { e.target.hidden = true; }
        });
        </script>
        </body></html>
        """;
}

/// <summary>The reporter's answer as sent: <c>settled</c> and <c>satisfaction</c> are required, <c>comment</c> optional.</summary>
public sealed record ReporterAnswerInput(bool? Settled = null, int? Satisfaction = null, string? Comment = null, string? By = null)
{
    public sealed record Checked(bool Settled, int Satisfaction, string? Comment);

    public Checked? Validate(ValidationErrors errors)
    {
        if (Settled is null)
        {
            errors.Add("settled", "is required: true when the matter is settled, false when it is not");
        }
        if (Satisfaction is not (>= 1 and <= 5))
        {
            errors.Add("satisfaction", "is required: a whole number from 1 to 5");
        }
        var comment = Rules.OptionalText(errors, "comment", Comment, ReporterAnswersApi.MaxComment, multiline: true);
        return Settled is { } settled && Satisfaction is { } score && score is >= 1 and <= 5 ? new Checked(settled, score, comment) : null;
    }
}

/// <summary>An answer through a confirmation link: the link's token and the answer.</summary>
public sealed record ConfirmByLinkInput(string? Token = null, bool? Settled = null, int? Satisfaction = null, string? Comment = null)
{
    internal ReporterAnswerInput Answer => new(Settled, Satisfaction, Comment);
}

/// <summary>
/// What a resident without a key is told after answering: the issue's state and what was recorded. Nothing of the issue
/// itself (its text, place, reporter or handlers), as anyone holding the link could read it.
/// </summary>
public sealed record LinkAnswerResponse(IssueStatus Status, bool Settled, int Satisfaction, bool Reopened)
{
    public static LinkAnswerResponse From(IssueView issue)
    {
        var answer = issue.ReporterAnswers![^1];
        return new(issue.Status, answer.Settled, answer.Satisfaction, answer.Reopened);
    }
}
