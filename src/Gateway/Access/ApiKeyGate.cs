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
internal sealed class ApiKeyGate(RequestDelegate next, ApiKeyVerifier keys)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.Authorization.Count == 0 && headers.TryGetValue(ApiKeyAuthenticationHandler.Header, out var values))
        {
            if (values.Count == 1 && !string.IsNullOrEmpty(values[0]) && await keys.Verify(values[0]!) is { } key)
            {
                http.User = key.User;
                http.Items[typeof(Caller)] = key.Caller;
            }
        }
        else if (await http.AuthenticateAsync(AccessHosting.Selector) is { Principal: { } principal })
        {
            http.User = principal;
        }
        await next(http);
    }
}
