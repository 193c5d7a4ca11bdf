using System.Globalization;
using System.Net;
using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;
using GridActors.Grains.Webhooks;
using GridActors.Silo.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Webhooks (事件推送): an app subscribes a URL to kinds of issue events of a unit within its key's jurisdiction and
/// receives each event as a signed POST, at least once and in order per issue (docs/webhooks.md). Reads take any role;
/// subscribing, pausing, resuming, replaying and deleting take the manager role, as every write of the API.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        var hooks = endpoints.MapGroup("/api/v1/webhooks").WithTags("Webhooks");
        hooks.MapPost("/", Create).WithName("CreateWebhook").WithSummary("Subscribe a URL to issue events")
            .WithDescription("事件推送订阅: unit = a division code within the key's jurisdiction (the events of issues reported under it, or held by it now or before); "
                + "events = kinds of issue events (" + string.Join(", ", EnumNames.All<IssueEventKind>()) + "); url = absolute http(s), not a loopback or private address. "
                + "The answer carries the signing secret, shown once. Deliveries: docs/webhooks.md. An Idempotency-Key makes a retry answer the first subscription "
                + "(201, Idempotent-Replayed: true) with secret null: if the first answer was lost, delete that subscription and create another with a new Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .HonoursIdempotencyKey();
        hooks.MapGet("/", List).WithName("ListWebhooks").WithSummary("List the webhook subscriptions of a county")
            .WithDescription("事件推送订阅列表: the county's subscriptions within the key's jurisdiction, in id order, without secrets; a county outside it is 404.");
        hooks.MapGet("/{id}", Get).WithName("GetWebhook").WithSummary("Get a webhook subscription")
            .WithDescription("事件推送订阅: its status (active or paused, and why), its pending deliveries and, while deliveries fail, since when.");
        hooks.MapDelete("/{id}", Delete).WithName("DeleteWebhook").WithSummary("Delete a webhook subscription")
            .WithDescription("删除订阅: stops it and forgets its deliveries, pending ones included.");
        hooks.MapPost("/{id}/pause", Pause).WithName("PauseWebhook").WithSummary("Pause a webhook subscription")
            .WithDescription("暂停推送: nothing is sent until it is resumed; events keep queueing meanwhile.");
        hooks.MapPost("/{id}/resume", Resume).WithName("ResumeWebhook").WithSummary("Resume a webhook subscription")
            .WithDescription("恢复推送: sends everything queued at once, oldest first (in order per issue); also how a subscription paused after a day of failures starts again.");
        hooks.MapGet("/{id}/deliveries", Deliveries).WithName("ListWebhookDeliveries").WithSummary("List a webhook's deliveries with their attempts")
            .WithDescription("推送记录: newest first; each with its status (pending, delivered), its last attempts (time, status code, error, duration) and its next attempt. "
                + "Delivered records are kept 7 days. cursor = nextCursor of the previous page; limit 1-200 (default 50).");
        hooks.MapPost("/{id}/replay", Replay).WithName("ReplayWebhook").WithSummary("Send a time range of events again")
            .WithDescription("重新推送: queues again the kept deliveries (7 days) of events that happened in [from, to), with their ids unchanged, after what is queued.");
        return endpoints;
    }

    public sealed record WebhookInput([property: References(ReferenceKind.Unit)] string? Unit, string? Url, IReadOnlyList<string?>? Events);

    public sealed record ReplayInput(DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>A subscription as created: the only answer that carries <see cref="Secret"/>.</summary>
    public sealed record CreatedWebhook(string Id, string? Secret, string Unit, string Url, IReadOnlyList<IssueEventKind> Events, WebhookStatus Status, DateTimeOffset CreatedAt);

    public sealed record WebhookResponse(
        string Id, string Unit, string Url, IReadOnlyList<IssueEventKind> Events, WebhookStatus Status, string App, Actor CreatedBy,
        DateTimeOffset CreatedAt, DateTimeOffset? PausedAt, string? PausedReason, DateTimeOffset? FailingSince, int Pending)
    {
        public static WebhookResponse From(WebhookSubscriptionInfo s) => new(
            s.Id, s.Unit, s.Url, s.Events, s.Status, s.OwnerApp, s.CreatedBy, s.CreatedAt, s.PausedAt, s.PausedReason, s.FailingSince, s.Pending);
    }

    public sealed record DeliveryResponse(
        Guid Id, Guid IssueId, long Version, IssueEventKind Kind, DateTimeOffset EventAt, WebhookDeliveryStatus Status, DateTimeOffset CreatedAt,
        DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, int AttemptCount, int Replays, IReadOnlyList<WebhookAttempt> Attempts)
    {
        public static DeliveryResponse From(WebhookDelivery d) => new(
            d.Id, d.Event.IssueId, d.Event.Version, d.Event.Kind, d.Event.At, d.Status, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.AttemptCount, d.Replays, d.Attempts);
    }

    public sealed record ReplayResponse(int Queued);

    private static async Task<Results<Created<CreatedWebhook>, ValidationProblem, ProblemHttpResult>> Create(
        WebhookInput body, HttpContext http, IGrainFactory grains, IConfiguration configuration, GridActors.Grains.Infrastructure.GridClock clock)
    {
        var errors = new ValidationErrors();
        var idempotencyKey = PartyApiSupport.IdempotencyKey(http, errors);
        if (!UnitCode.TryParse(body.Unit, out var unit, out var unitError))
        {
            errors.Add("unit", unitError ?? "is required: a division code");
        }
        else if (unit.Value.Length < 6)
        {
            // Events are dispatched per county; a city's or province's app subscribes per county.
            errors.Add("unit", "must be a county or a unit inside one (6 to 15 digits)");
        }
        var kinds = new List<IssueEventKind>();
        if (body.Events is not { Count: > 0 })
        {
            errors.Add("events", "is required: one or more of: " + string.Join(", ", EnumNames.All<IssueEventKind>()));
        }
        else
        {
            for (var i = 0; i < body.Events.Count; i++)
            {
                if (EnumNames.TryParse<IssueEventKind>(body.Events[i], out var kind))
                {
                    if (!kinds.Contains(kind))
                    {
                        kinds.Add(kind);
                    }
                }
                else
                {
                    errors.Add($"events[{i}]", EnumNames.Rule<IssueEventKind>(body.Events[i]));
                }
            }
        }
        var options = SiloHostingExtensions.WebhookOptionsFrom(configuration);
        var resolve = (string host) => Dns.GetHostAddressesAsync(host).WaitAsync(TimeSpan.FromSeconds(5));
        errors.AddIf(await WebhookUrls.Check(body.Url, options.AllowPrivateAddresses, resolve), "url");
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var caller = http.Caller();
        var id = idempotencyKey.Length == 0 ? WebhookGrainFactoryExtensions.NewId() : WebhookGrainFactoryExtensions.IdFor(idempotencyKey);
        // The gateway runs this handler again when the cluster failed mid-request (UnavailableRetry); the same secret then
        // tells that retry, whose caller has seen nothing yet, from a caller's own retry.
        var secret = http.Items[typeof(CreatedWebhook)] as string ?? WebhookSignature.NewSecret();
        http.Items[typeof(CreatedWebhook)] = secret;
        var fingerprint = PartyApiSupport.Fingerprint(new { Unit = unit.ToString(), body.Url, Events = kinds.Order().ToArray() });
        var asked = new WebhookSubscriptionInfo(id, unit.ToString(), body.Url!, kinds, caller.Id, caller.App, caller.Actor, clock.GetUtcNow(), WebhookStatus.Active);
        var created = await grains.GetWebhook(id).CreateOnce(asked, secret, fingerprint);
        if (created is not { Status: not WebhookCreationStatus.Mismatch, Info: { } info })
        {
            return TypedResults.Problem(title: "Idempotency-Key reused",
                detail: "The Idempotency-Key was already used for a different request; send a new Idempotency-Key to create another webhook subscription.",
                statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.IdempotencyKeyReused);
        }
        // The subscription exists before the dispatcher routes to it; written again by a replay, so a create whose
        // routing was lost is completed by its retry.
        await grains.GetWebhookDispatcher(unit.County.Value).Add(new WebhookRoute(id, info.Unit, info.Events));
        var shown = created.Status == WebhookCreationStatus.Created || created.SameSecret;
        if (!shown)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return TypedResults.Created($"/api/v1/webhooks/{id}", new CreatedWebhook(id, shown ? secret : null, info.Unit, info.Url, info.Events, info.Status, info.CreatedAt));
    }

    private static async Task<Results<Ok<ListResponse<WebhookResponse>>, ValidationProblem, ProblemHttpResult>> List(
        string? county, string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (_, take) = PartyApiSupport.Paging(null, limit, errors);
        if (!CountyCode.TryParse(county, out var code, out var error))
        {
            errors.Add("county", error);
        }
        if (cursor is not null && !WebhookGrainFactoryExtensions.IsId(cursor))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var caller = http.Caller();
        var countyCode = code.ToString();
        // The caller's part of the county: all of it when its jurisdiction covers the county, else its own units in it.
        var scope = caller.Covers(countyCode) ? countyCode : caller.Jurisdiction.StartsWith(countyCode, StringComparison.Ordinal) ? caller.Jurisdiction : null;
        if (scope is null)
        {
            return Problems.NotFound($"No unit {countyCode} is registered.");
        }
        var ids = await grains.GetWebhookDispatcher(countyCode).List(scope);
        var after = cursor is null ? ids : ids.Where(id => string.CompareOrdinal(id, cursor) > 0).ToArray();
        var page = after.Take(take).ToArray();
        var found = await Task.WhenAll(page.Select(id => grains.GetWebhook(id).Get()));
        var next = after.Count > page.Length ? page[^1] : null;
        return TypedResults.Ok(new ListResponse<WebhookResponse>(found.OfType<WebhookSubscriptionInfo>().Select(WebhookResponse.From).ToArray(), next, ids.Count));
    }

    /// <summary>The subscription if the caller's jurisdiction covers its unit; one outside it is answered as one that does not exist.</summary>
    private static async Task<WebhookSubscriptionInfo?> Visible(string id, HttpContext http, IGrainFactory grains) =>
        WebhookGrainFactoryExtensions.IsId(id) && await grains.GetWebhook(id).Get() is { } info && http.Caller().Covers(info.Unit) ? info : null;

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"No webhook subscription {id} exists.");

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(string id, HttpContext http, IGrainFactory grains) =>
        await Visible(id, http, grains) is { } info ? TypedResults.Ok(WebhookResponse.From(info)) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, HttpContext http, IGrainFactory grains)
    {
        if (await Visible(id, http, grains) is not { } info)
        {
            return NotFound(id);
        }
        // Routed no more first, so no event is handed to a subscription being deleted.
        await grains.GetWebhookDispatcher(UnitCode.Parse(info.Unit).County.Value).Remove(id);
        await grains.GetWebhook(id).Delete();
        return TypedResults.NoContent();
    }

    // Pause and resume answer no body: the subscription (GET) shows its status.
    private static async Task<Results<NoContent, ProblemHttpResult>> Pause(string id, HttpContext http, IGrainFactory grains) =>
        await Visible(id, http, grains) is not null && await grains.GetWebhook(id).Pause("owner", http.Caller().Actor) is not null
            ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> Resume(string id, HttpContext http, IGrainFactory grains) =>
        await Visible(id, http, grains) is not null && await grains.GetWebhook(id).Resume(http.Caller().Actor) is not null
            ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<ListResponse<DeliveryResponse>>, ValidationProblem, ProblemHttpResult>> Deliveries(
        string id, string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (_, take) = PartyApiSupport.Paging(null, limit, errors);
        long before = 0;
        if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await Visible(id, http, grains) is null)
        {
            return NotFound(id);
        }
        var page = await grains.GetWebhook(id).Deliveries(cursor is null ? null : before, take);
        return TypedResults.Ok(new ListResponse<DeliveryResponse>(page.Items.Select(DeliveryResponse.From).ToArray(),
            page.NextCursor?.ToString(CultureInfo.InvariantCulture), page.Total));
    }

    private static async Task<Results<Accepted<ReplayResponse>, ValidationProblem, ProblemHttpResult>> Replay(string id, ReplayInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (body.From is null)
        {
            errors.Add("from", "is required: a date-time with its offset");
        }
        if (body.To is null)
        {
            errors.Add("to", "is required: a date-time with its offset");
        }
        else if (body.From is { } from && body.To <= from)
        {
            errors.Add("to", "must be after from");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        if (await Visible(id, http, grains) is null)
        {
            return NotFound(id);
        }
        var queued = await grains.GetWebhook(id).Replay(body.From!.Value, body.To!.Value);
        return TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries", new ReplayResponse(queued));
    }
}
