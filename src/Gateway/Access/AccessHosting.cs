using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace GridActors.Gateway.Access;

/// <summary>Authentication (API keys; OpenID Connect bearer tokens by configuration), access rules and rate limits.</summary>
public static class AccessHosting
{
    /// <summary>The policy scheme that picks the bearer scheme or the API key scheme for a request.</summary>
    internal const string Selector = "GridActors";

    /// <summary>Where the operator pages (the Orleans dashboard) are mapped; <see cref="AccessRules"/> lets only the admin role in.</summary>
    public const string OperatorPages = "/dashboard";

    /// <summary>
    /// <c>Auth:BootstrapAdminKey</c>: a first admin key from configuration. <c>Auth:BootstrapAdminPassword</c>: the password
    /// of the first staff account, <c>admin</c> (<see cref="BootstrapAdminAccount"/>). <c>Auth:Jwt:Authority</c> and
    /// <c>Auth:Jwt:Audience</c>: staff sign-in; the token carries <c>jurisdiction</c> and <c>roles</c> claims.
    /// <c>RateLimits:PermitsPerSecond</c> (default 200) and <c>RateLimits:Burst</c> (default 400) per key.
    /// </summary>
    public static WebApplicationBuilder AddGridActorsAccess(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddMemoryCache();
        // No default scheme to authenticate with: ApiKeyGate authenticates (ASP.NET Core's own authentication middleware,
        // which the host adds by itself, then finds nothing to do). Challenges and refusals still go to the schemes.
        var authentication = builder.Services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = Selector;
                options.DefaultForbidScheme = Selector;
            })
            .AddPolicyScheme(Selector, Selector, options => options.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(configuration["Auth:Jwt:Authority"])
                    ? JwtBearerDefaults.AuthenticationScheme
                    // The console's cookie, only when no other credential is sent: a key or token always decides alone.
                    : http.Request.Headers.Authorization.Count == 0 && !http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                        && http.Request.Cookies.ContainsKey(ConsoleCookie.CookieName)
                        ? ConsoleCookie.Scheme
                        : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(ConsoleCookie.Scheme, ConsoleCookie.Configure);
        // A session's expiry is read on the deployment's clock, so tests move it instead of waiting eight hours.
        builder.Services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(ConsoleCookie.Scheme)
            .Configure<GridActors.Grains.Infrastructure.GridClock>((options, clock) => options.TimeProvider = clock);
        builder.Services.AddAntiforgery(ConsoleCookie.Configure);
        if (configuration["Auth:Jwt:Authority"] is { Length: > 0 } authority)
        {
            authentication.AddJwtBearer(options =>
            {
                options.Authority = authority;
                options.Audience = configuration["Auth:Jwt:Audience"];
                options.MapInboundClaims = false;
                options.TokenValidationParameters.RoleClaimType = "roles";
            });
        }

        builder.Services.AddSingleton<BootstrapAdminKey>();
        builder.Services.AddSingleton<StaffPasswords>();
        builder.Services.AddHostedService<BootstrapAdminAccount>();
        builder.Services.AddSingleton<ApiKeyVerifier>();
        builder.Services.AddSingleton<RateLimits>();
        builder.Services.AddSingleton<ApiKeyGate>();
        builder.Services.AddSingleton<AccessRules>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BootstrapAdminKey>());
        builder.Services.AddOptions<RateLimitSettings>().BindConfiguration("RateLimits");
        return builder;
    }

    /// <summary>The mark <c>UseAuthentication</c> leaves on the application builder, which the host reads.</summary>
    private const string AuthenticationInPipeline = "__AuthenticationMiddlewareSet";

    public static WebApplication UseGridActorsAccess(this WebApplication app)
    {
        // ApiKeyGate authenticates. Unless told that authentication is in the pipeline (the mark UseAuthentication
        // leaves), the host puts ASP.NET Core's own authentication middleware in front of every request, where it finds
        // no default scheme and does nothing but cost (2 % of a grid read's CPU).
        ((IApplicationBuilder)app).Properties[AuthenticationInPipeline] = true;
        // Rate limits, then the key, then the rules, in one middleware (AccessGate). Every access decision, the operator
        // pages' included, is AccessRules'. ASP.NET Core's authorization middleware, there only for the dashboard's
        // policy, looked up every request's endpoint metadata for nothing else.
        app.UseMiddleware<AccessGate>();
        return app;
    }
}

/// <summary>Requests a second each key may send, and the burst it may save up.</summary>
public sealed class RateLimitSettings
{
    public double PermitsPerSecond { get; set; } = 200;
    public int Burst { get; set; } = 400;

    /// <summary>Unknown keys an address may send before it is refused 429 (then <see cref="FailedKeysPerMinute"/>).</summary>
    public int FailedKeysBurst { get; set; } = 20;

    public int FailedKeysPerMinute { get; set; } = 30;
}
