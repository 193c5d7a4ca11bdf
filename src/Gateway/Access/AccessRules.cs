using GridActors.Grains.Access;
using GridActors.Grains.Units;
using GridActors.Gateway.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace GridActors.Gateway.Access;

/// <summary>
/// Who may call what, decided for every request on the endpoint it matched (docs/permissions.md is the same table):
/// the endpoint's <see cref="AccessPolicy"/> says whether a key is needed and which role; then no or an unknown key →
/// 401; a role the operation needs is missing → 403; a unit (the <c>{code}</c> in the path) outside the caller's
/// jurisdiction → 404 for a read (nothing leaks) and 403 for a write. Records named in a body are checked by
/// <see cref="BodyReferences"/>; endpoints whose unit is only known after loading (an issue, a member) check it in their
/// handler with <see cref="CanRead"/> and <see cref="CanWrite"/>.
/// </summary>
public sealed class AccessRules(IProblemDetailsService problems)
{
    /// <summary>True when the caller may go on; false when the request was answered 401, 403 or 404 (<see cref="AccessGate"/>).</summary>
    public ValueTask<bool> Admit(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        AccessPolicy? policy;
        if (endpoint is RouteEndpoint)
        {
            policy = endpoint.Metadata.GetMetadata<AccessPolicy>() ?? AccessPolicy.Unlisted;
            if (policy.Anonymous)
            {
                return ValueTask.FromResult(true);
            }
        }
        else
        {
            // No route matched (a 404 or 405 is coming): under the API a caller must still show a key, so an anonymous
            // prober cannot tell which paths exist. PathString compares segments ignoring case, as routing does.
            var path = http.Request.Path;
            if (!path.StartsWithSegments("/api") && !path.StartsWithSegments(AccessHosting.OperatorPages))
            {
                return ValueTask.FromResult(true);
            }
            policy = null;
        }
        // The API key scheme leaves the caller it made with the cached key; other schemes' callers are read from claims.
        var caller = http.User.Identity?.IsAuthenticated == true ? http.Items[typeof(Caller)] as Caller ?? Caller.From(http.User) : null;
        if (caller is null)
        {
            return Refuse(http, StatusCodes.Status401Unauthorized, "Unauthorized", http.Items[UnknownKey] is true
                ? $"The key sent in the {ApiKeyAuthenticationHandler.Header} header is not known: it is mistyped, revoked or was never issued."
                : $"Send an API key in the {ApiKeyAuthenticationHandler.Header} header (or a bearer token from the county's sign-in).");
        }
        http.Items[typeof(Caller)] = caller;
        if (policy is null)
        {
            return ValueTask.FromResult(true);
        }

        var role = policy.RoleFor(http.Request.Method);
        if (role is not null && !caller.Has(role))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "Forbidden", $"This operation needs the {role} role.");
        }
        if (policy.WholeDeployment && caller.Jurisdiction.Length != 0)
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "Forbidden", "This operation needs a key whose jurisdiction is the whole deployment.");
        }
        if (http.Request.RouteValues.TryGetValue("code", out var value) && value is string code
            && UnitCode.TryParse(code, out _, out _) && !caller.Covers(code))
        {
            return HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? Refuse(http, StatusCodes.Status404NotFound, "Not found", $"No unit {code} is registered.")
                : Refuse(http, StatusCodes.Status403Forbidden, "Forbidden", $"Unit {code} is outside this key's jurisdiction.");
        }
        return ValueTask.FromResult(true);
    }

    /// <summary>Set by <see cref="ApiKeyGate"/> when a request sent a key that is not known, so the 401 says so.</summary>
    internal static readonly object UnknownKey = new();

    /// <summary>A read of something in these units: visible when any of them is in the caller's jurisdiction.</summary>
    public static bool CanRead(HttpContext http, params string?[] units) =>
        units.Any(u => u is not null && http.Caller().Covers(u));

    public static bool CanWrite(HttpContext http, string unit) => http.Caller().Covers(unit);

    private async ValueTask<bool> Refuse(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = ProblemTypes.ForStatus(status) },
        });
        return false;
    }
}

/// <summary>Masks personal data for callers who may not see it (姓名、电话脱敏).</summary>
public static class Privacy
{
    public static string MaskName(string name) => name.Length <= 1 ? "*" : name[0] + new string('*', Math.Min(name.Length - 1, 3));

    public static string MaskPhone(string phone)
    {
        var digits = phone.Where(char.IsAsciiDigit).ToArray();
        return digits.Length < 7 ? "****" : $"{new string(digits[..3])}****{new string(digits[^4..])}";
    }
}
