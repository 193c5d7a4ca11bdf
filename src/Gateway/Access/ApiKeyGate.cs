using Microsoft.AspNetCore.Authentication;

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
/// </remarks>
internal sealed class ApiKeyGate(ApiKeyVerifier keys)
{
    /// <summary>Sets the request's user (and caller) when it carries valid credentials; leaves it anonymous otherwise.</summary>
    public ValueTask Authenticate(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.Authorization.Count == 0 && headers.TryGetValue(ApiKeyAuthenticationHandler.Header, out var values))
        {
            if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
            {
                return ValueTask.CompletedTask;
            }
            var verify = keys.Verify(values[0]!);
            if (!verify.IsCompletedSuccessfully)
            {
                return Accept(http, verify);
            }
            Accept(http, verify.Result);
            return ValueTask.CompletedTask;
        }
        return AuthenticateByScheme(http);
    }

    private static async ValueTask Accept(HttpContext http, ValueTask<VerifiedKey?> verify) => Accept(http, await verify);

    private static void Accept(HttpContext http, VerifiedKey? key)
    {
        if (key is not null)
        {
            http.User = key.User;
            http.Items[typeof(Caller)] = key.Caller;
        }
    }

    private static async ValueTask AuthenticateByScheme(HttpContext http)
    {
        if (await http.AuthenticateAsync(AccessHosting.Selector) is { Principal: { } principal })
        {
            http.User = principal;
        }
    }
}
