namespace GridActors.Gateway.Access;

/// <summary>
/// The gateway's access checks as one middleware: the rate limit (<see cref="RateLimits"/>, 429), then the caller's
/// credentials (<see cref="ApiKeyGate"/>), then who may call what (<see cref="AccessRules"/>, 401/403/404).
/// </summary>
/// <remarks>
/// As three middlewares each request went through three more async layers, and a request that waits on a grain (every
/// API call) kept a state machine for each on the heap until it was answered. Here a request whose key is already known
/// passes every check synchronously and goes on to the next middleware without any: only a check that has to wait
/// (a key not seen for a while, a bearer token, a refusal being written) takes the slower path.
/// </remarks>
internal sealed class AccessGate(RequestDelegate next, RateLimits limits, ApiKeyGate keys, AccessRules rules)
{
    public Task InvokeAsync(HttpContext http)
    {
        var admitted = limits.Admit(http);
        if (!admitted.IsCompletedSuccessfully)
        {
            return FromLimits(http, admitted);
        }
        if (!admitted.Result)
        {
            return Task.CompletedTask;
        }
        var authenticated = keys.Authenticate(http);
        if (!authenticated.IsCompletedSuccessfully)
        {
            return FromKey(http, authenticated);
        }
        if (!authenticated.Result)
        {
            return Task.CompletedTask;
        }
        var allowed = rules.Admit(http);
        if (!allowed.IsCompletedSuccessfully)
        {
            return FromRules(http, allowed);
        }
        return allowed.Result ? next(http) : Task.CompletedTask;
    }

    // The same checks in the same order, for a request where one of them has to wait.
    private async Task FromLimits(HttpContext http, ValueTask<bool> admitted)
    {
        if (await admitted)
        {
            await FromKey(http, keys.Authenticate(http));
        }
    }

    private async Task FromKey(HttpContext http, ValueTask<bool> authenticated)
    {
        if (await authenticated)
        {
            await FromRules(http, rules.Admit(http));
        }
    }

    private async Task FromRules(HttpContext http, ValueTask<bool> allowed)
    {
        if (await allowed)
        {
            await next(http);
        }
    }
}
