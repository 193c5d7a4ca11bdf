using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Access;
using GridActors.Grains.Staff;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Staff accounts (工作人员账号) that sign in to the console; admin only, within the same bounds as API keys: an admin
/// creates accounts only within its own jurisdiction and with at most its own roles, and sees only those within it.
/// </summary>
public static class StaffApi
{
    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder endpoints)
    {
        var staff = endpoints.MapGroup("/api/v1/staff").WithTags("Staff").RequireRole(Roles.Admin);
        staff.MapPost("/", CreateStaff)
            .WithName("CreateStaff")
            .WithSummary("Create a staff account")
            .WithDescription("工作人员账号: username (3 to 32 lower-case letters, digits, '.', '-', '_'), display name, a password of 10 to 128 characters "
                + "(kept only as a salted slow hash), jurisdiction (a division code prefix) and roles, within the caller's jurisdiction and roles. "
                + "A username already taken answers 409; a retry with the same Idempotency-Key and fields answers the account it made.")
            .HonoursIdempotencyKey()
            .ProducesProblem(StatusCodes.Status409Conflict);
        staff.MapGet("/", ListStaff).WithName("ListStaff").WithSummary("List staff accounts")
            .WithDescription("工作人员账号列表 within the caller's jurisdiction, ordered by username; paged by cursor (the last username of a page).");
        staff.MapGet("/{username}", GetStaff).WithName("GetStaff").WithSummary("Read a staff account")
            .WithDescription("查看账号: one staff account, without its password hash; 404 when it is outside the caller's jurisdiction.");
        staff.MapPost("/{username}/disable", DisableStaff).WithName("DisableStaff").WithSummary("Disable a staff account")
            .WithDescription("停用账号: the account can no longer sign in, and its console sessions end at once on this gateway and within 30 s on the others.");
        staff.MapPost("/{username}/password", ResetStaffPassword).WithName("ResetStaffPassword").WithSummary("Reset a staff account's password")
            .WithDescription("重置密码: sets a new password (10 to 128 characters, kept only as a salted slow hash) for an account within the caller's "
                + "jurisdiction, lifts a lockout, and asks the member to choose another at the next sign-in. A member changes their own password "
                + "in the console (/console/password) with the current one.");
        return endpoints;
    }

    public sealed record PasswordInput(string? Password);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetStaffPassword(
        string username, PasswordInput body, HttpContext http, IGrainFactory grains, StaffPasswords passwords)
    {
        if (await Visible(username, http, grains) is null)
        {
            return Problems.NotFound($"No staff account {username} exists.");
        }
        if (!StaffPasswords.IsValid(body.Password))
        {
            return Problems.Invalid("password", StaffPasswords.Rule);
        }
        await passwords.Reset(username, body.Password!);
        return TypedResults.NoContent();
    }

    public sealed record StaffInput(string? Username, string? DisplayName, string? Password, string? Jurisdiction, IReadOnlyList<string?>? Roles);

    private static async Task<Results<Created<StaffAccountInfo>, ValidationProblem, ProblemHttpResult>> CreateStaff(StaffInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var idempotencyKey = PartyApiSupport.IdempotencyKey(http, errors);
        var username = body.Username?.Trim();
        if (!StaffUsernames.IsValid(username))
        {
            errors.Add("username", StaffUsernames.Rule);
        }
        var displayName = Rules.RequiredText(errors, "displayName", body.DisplayName);
        if (!StaffPasswords.IsValid(body.Password))
        {
            errors.Add("password", StaffPasswords.Rule);
        }
        var caller = http.Caller();
        var roles = Grants.Read(errors, caller, body.Jurisdiction, body.Roles);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // The bounds of API keys (KeysApi): no admin can make an account wider than itself.
        if (!caller.Covers(body.Jurisdiction!))
        {
            return Problems.Forbidden($"jurisdiction {body.Jurisdiction} is wider than or outside the caller's jurisdiction; an admin can create accounts only within its own.");
        }
        if (roles.FirstOrDefault(r => !caller.Has(r)) is { } extra)
        {
            return Problems.Forbidden($"role {extra} is not held by the caller; an admin can give only the roles it has.");
        }
        // The password is left out of the request's fingerprint: a fast hash of it must never be stored beside the slow one.
        var request = idempotencyKey.Length == 0 ? null : PartyApiSupport.Fingerprint(new { idempotencyKey, displayName, body.Jurisdiction, roles });
        var created = await grains.GetGrain<IStaffAccountGrain>(username!).Create(displayName!, body.Jurisdiction!, roles, StaffPasswords.Hash(body.Password!), request);
        if (created is null)
        {
            return Problems.Conflict("Username taken", $"A staff account {username} already exists; usernames are never reused.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["username"] = ["is taken"] } });
        }
        if (created.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return TypedResults.Created($"/api/v1/staff/{username}", created.Account);
    }

    private static async Task<Results<Ok<ListResponse<StaffAccountInfo>>, ValidationProblem>> ListStaff(string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var (_, take) = PartyApiSupport.Paging(null, limit, errors);
        if (cursor is not null && !StaffUsernames.IsValid(cursor))
        {
            errors.Add("cursor", "must be a nextCursor value from a previous page");
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        // Paged by username, as keys are by id: an account created between two pages neither shifts nor repeats another.
        var names = await grains.GetGrain<IStaffDirectoryGrain>(0).List(http.Caller().Jurisdiction);
        var after = cursor is null ? names : names.Where(n => string.CompareOrdinal(n, cursor) > 0).ToArray();
        var page = after.Take(take).ToArray();
        var accounts = await Task.WhenAll(page.Select(n => grains.GetGrain<IStaffAccountGrain>(n).Get()));
        var next = after.Count > page.Length ? page[^1] : null;
        return TypedResults.Ok(new ListResponse<StaffAccountInfo>(accounts.OfType<StaffAccountInfo>().ToArray(), next, names.Count));
    }

    private static async Task<Results<Ok<StaffAccountInfo>, ProblemHttpResult>> GetStaff(string username, HttpContext http, IGrainFactory grains) =>
        await Visible(username, http, grains) is { } account ? TypedResults.Ok(account) : Problems.NotFound($"No staff account {username} exists.");

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableStaff(string username, HttpContext http, IGrainFactory grains, IMemoryCache cache)
    {
        if (await Visible(username, http, grains) is null || !await grains.GetGrain<IStaffAccountGrain>(username).Disable())
        {
            return Problems.NotFound($"No staff account {username} exists.");
        }
        ConsoleCookie.Forget(cache, username);
        return TypedResults.NoContent();
    }

    /// <summary>The account, when it exists within the caller's jurisdiction; one outside is answered as one that does not exist.</summary>
    private static async Task<StaffAccountInfo?> Visible(string username, HttpContext http, IGrainFactory grains) =>
        StaffUsernames.IsValid(username) && await grains.GetGrain<IStaffAccountGrain>(username).Get() is { } account && http.Caller().Covers(account.Jurisdiction)
            ? account
            : null;
}
