using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;

namespace GridActors.Gateway.Apis;

/// <summary>API keys of calling apps (接入应用密钥); admin only.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/v1/keys").WithTags("Keys").RequireRole(Roles.Admin);
        keys.MapPost("/", CreateKey)
            .WithName("CreateKey")
            .WithSummary("Create an API key for a calling app")
            .WithDescription("接入应用密钥: the key's jurisdiction is a division code prefix (34 a province ... a grid's 15 digits); roles are reader, reporter, handler, manager, admin. "
                + "The secret is shown once; only its hash is stored. An Idempotency-Key makes a retry return the first key (201, Idempotent-Replayed: true) "
                + "with secret null: if the first answer was lost, revoke that key and create another with a new Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .HonoursIdempotencyKey();
        keys.MapGet("/", ListKeys).WithName("ListKeys").WithSummary("List API keys")
            .WithDescription("接入应用密钥列表, without secrets, ordered by id; paged by cursor like every list (a key created meanwhile is neither skipped nor repeated).");
        keys.MapDelete("/{id}", RevokeKey).WithName("RevokeKey").WithSummary("Revoke an API key").WithDescription("吊销密钥: the key stops working at once on this gateway and within 30 s on the others.");
        return endpoints;
    }

    public sealed record KeyInput(string? App, string? Jurisdiction, IReadOnlyList<string?>? Roles);

    /// <summary>A key as created: <see cref="Secret"/> is null when a retry with the same Idempotency-Key replays it.</summary>
    public sealed record CreatedKey(string Id, string? Secret, string App, string Jurisdiction, IReadOnlyList<string> Roles);

    private static async Task<Results<Created<CreatedKey>, ValidationProblem, ProblemHttpResult>> CreateKey(KeyInput body, HttpContext http, IGrainFactory grains, ApiKeyVerifier verifier)
    {
        var errors = new ValidationErrors();
        var idempotencyKey = PartyApiSupport.IdempotencyKey(http, errors);
        var app = Rules.RequiredText(errors, "app", body.App);
        var caller = http.Caller();
        var roles = Grants.Read(errors, caller, body.Jurisdiction, body.Roles);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // A key makes keys only within its own jurisdiction and with at most its own roles, so no key can mint a wider one.
        if (!caller.Covers(body.Jurisdiction!))
        {
            return Problems.Forbidden($"jurisdiction {body.Jurisdiction} is wider than or outside this key's jurisdiction ({Shown(caller.Jurisdiction)}); a key can create keys only within its own.");
        }
        if (roles.FirstOrDefault(r => !caller.Has(r)) is { } extra)
        {
            return Problems.Forbidden($"role {extra} is not held by this key; a key can give only the roles it has.");
        }
        var id = idempotencyKey.Length == 0 ? ApiKeys.NewId() : ApiKeys.IdFor(idempotencyKey);
        // The gateway runs this handler again when the cluster failed mid-request (UnavailableRetry); the same secret
        // then lets the grain tell that retry, whose caller has seen nothing yet, from a caller's own retry.
        var secret = http.Items[typeof(CreatedKey)] as string ?? ApiKeys.NewSecret(id);
        http.Items[typeof(CreatedKey)] = secret;
        // Grants.Read gives each role once.
        var fingerprint = PartyApiSupport.Fingerprint(new { app, body.Jurisdiction, Roles = roles.Order(StringComparer.Ordinal).ToArray() });
        var created = await grains.GetGrain<IApiKeyGrain>(id).CreateOnce(app!, body.Jurisdiction!, roles, ApiKeys.Hash(secret), fingerprint);
        verifier.Issued(id);
        if (created is not { Status: not ApiKeyCreationStatus.Mismatch, Info: { } info })
        {
            return TypedResults.Problem(title: "Idempotency-Key reused",
                detail: "The Idempotency-Key was already used for a different request; send a new Idempotency-Key to create another API key.",
                statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.IdempotencyKeyReused);
        }
        var shown = created.Status == ApiKeyCreationStatus.Created || created.SameSecret;
        if (!shown)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return TypedResults.Created($"/api/v1/keys/{id}", new CreatedKey(id, shown ? secret : null, info.App, info.Jurisdiction, info.Roles));
    }

    /// <summary>
    /// Keys are paged by id, not by position: key ids are random, so a key created between two pages lands anywhere
    /// in the order and would shift every position after it. The cursor is the last id of the page.
    /// </summary>
    private static string Shown(string jurisdiction) => jurisdiction.Length == 0 ? "the whole deployment" : jurisdiction;

    private static async Task<Results<Ok<ListResponse<ApiKeyInfo>>, ValidationProblem>> ListKeys(string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (_, take) = PartyApiSupport.Paging(null, limit, errors);
        if (cursor is not null && !ApiKeys.IsKeyId(cursor))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var ids = await grains.GetGrain<IApiKeyDirectoryGrain>(0).List(http.Caller().Jurisdiction);
        var after = cursor is null ? ids : ids.Where(id => string.CompareOrdinal(id, cursor) > 0).ToArray();
        var page = after.Take(take).ToArray();
        var keys = await Task.WhenAll(page.Select(id => grains.GetGrain<IApiKeyGrain>(id).Get()));
        var next = after.Count > page.Length ? page[^1] : null;
        return TypedResults.Ok(new ListResponse<ApiKeyInfo>(keys.OfType<ApiKeyInfo>().ToArray(), next, ids.Count));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, HttpContext http, IGrainFactory grains, ApiKeyVerifier keys)
    {
        // A key outside the caller's jurisdiction is answered as one that does not exist.
        if (!ApiKeys.IsKeyId(id) || await grains.GetGrain<IApiKeyGrain>(id).Get() is not { } key || !http.Caller().Covers(key.Jurisdiction)
            || !await grains.GetGrain<IApiKeyGrain>(id).Revoke())
        {
            return Problems.NotFound($"No API key {id} exists.");
        }
        // Verified keys are kept by the hash of their secret, which the id does not give: this gateway drops them all.
        keys.ForgetAll();
        return TypedResults.NoContent();
    }
}
