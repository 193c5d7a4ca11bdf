using GridActors.Gateway.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace GridActors.Gateway.Access;

/// <summary>
/// Authentication, in place of ASP.NET Core's middleware: a request carrying only an <c>X-Api-Key</c> is checked here
/// directly (<see cref="ApiKeyVerifier"/>); any other request (a bearer token, no credentials) goes through the
/// authentication service and its schemes as before.
/// </summary>
/// <remarks>
/// The service runs a policy scheme that picks a handler, and each is built anew for every request: for a key that
/// was verified seconds ago, that was most of what authenticating cost (a tenth of a GET's CPU with the rate limiter
/// and access rules, measured by switching them off). The outcome is the same either way: a known key's principal and
/// caller, or an anonymous request that <see cref="AccessRules"/> answers with 401.
/// A key this gateway has not verified lately costs a look-up; an address whose keys keep failing is refused (429)
/// before it is looked up (<see cref="RateLimits.MayTryKey"/>), so guessing keys is slow and costs the cluster nothing.
/// </remarks>
internal sealed class ApiKeyGate(ApiKeyVerifier keys, RateLimits limits, IAntiforgery antiforgery, IProblemDetailsService problems)
{
    /// <summary>
    /// Sets the request's user (and caller) when it carries valid credentials; leaves it anonymous otherwise. False when
    /// the request was answered (429: too many failed keys from its address).
    /// </summary>
    public ValueTask<bool> Authenticate(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.Authorization.Count == 0 && headers.TryGetValue(ApiKeyAuthenticationHandler.Header, out var values))
        {
            if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
            {
                http.Items[AccessRules.UnknownKey] = true;
                return ValueTask.FromResult(true);
            }
            if (keys.TryKept(values[0]!, out var kept))
            {
                Accept(http, kept);
                return ValueTask.FromResult(true);
            }
            return VerifyUnkept(http, values[0]!);
        }
        return AuthenticateByScheme(http);
    }

    private async ValueTask<bool> VerifyUnkept(HttpContext http, string secret)
    {
        if (!limits.MayTryKey(http, out var wait))
        {
            await limits.RefuseFailedKeys(http, wait);
            return false;
        }
        var key = await keys.VerifyUnkept(secret);
        if (key is null)
        {
            limits.CountFailedKey(http);
            http.Items[AccessRules.UnknownKey] = true;
        }
        Accept(http, key);
        return true;
    }

    private static void Accept(HttpContext http, VerifiedKey? key)
    {
        if (key is not null)
        {
            http.User = key.User;
            http.Items[typeof(Caller)] = key.Caller;
        }
    }

    private async ValueTask<bool> AuthenticateByScheme(HttpContext http)
    {
        if (await http.AuthenticateAsync(AccessHosting.Selector) is { Principal: { } principal })
        {
            http.User = principal;
            // A browser sends the console's cookie with any request, a forged one from another site's page too: an API
            // request that changes something must also show the antiforgery token only the console's own pages hold.
            // (The console's own form posts are checked by ASP.NET Core's antiforgery middleware on their endpoints.)
            if (principal.Identity?.AuthenticationType == ConsoleCookie.Scheme && http.Request.Path.StartsWithSegments("/api")
                && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
                && !await antiforgery.IsRequestValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                var problem = new ValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [ConsoleCookie.AntiforgeryHeader] = ["is required with the console's sign-in cookie: the antiforgery token of a console page"],
                })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid",
                    Type = ProblemTypes.Validation,
                };
                await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
                return false;
            }
        }
        return true;
    }
}
