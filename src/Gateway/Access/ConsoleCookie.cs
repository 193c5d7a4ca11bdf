using System.Security.Claims;
using GridActors.Grains.Staff;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace GridActors.Gateway.Access;

/// <summary>
/// The console's sign-in cookie (工作台登录): a staff member signed in with a password carries the same claims as a
/// bearer token from the county's sign-in (sub, name, jurisdiction, roles), so <see cref="Caller.From"/> reads both alike.
/// </summary>
public static class ConsoleCookie
{
    public const string Scheme = "Console";
    public const string CookieName = "gridactors.console";

    /// <summary>The header a cookie-authenticated unsafe API request carries its antiforgery token in.</summary>
    public const string AntiforgeryHeader = "X-Antiforgery-Token";
    public const string AntiforgeryCookie = "gridactors.antiforgery";

    /// <summary>How long a session lasts without a request: a working day; every request past half of it renews it.</summary>
    public static readonly TimeSpan Session = TimeSpan.FromHours(8);

    /// <summary>The claim of a session whose password an admin reset: every page but the password page leads there.</summary>
    public const string MustChangePasswordClaim = "must_change_password";

    public static ClaimsPrincipal Principal(StaffAccountInfo account, bool mustChangePassword = false)
    {
        var claims = new List<Claim>
        {
            new("sub", account.Username),
            new("name", account.DisplayName),
            new(Caller.JurisdictionClaim, account.Jurisdiction),
        };
        claims.AddRange(account.Roles.Select(r => new Claim("roles", r)));
        if (mustChangePassword)
        {
            claims.Add(new Claim(MustChangePasswordClaim, "true"));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, "name", "roles"));
    }

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = Session;
        options.SlidingExpiration = true;
        options.LoginPath = "/console/sign-in";
        options.LogoutPath = "/console/sign-out";
        // The API answers with problem+json (AccessRules), never with a redirect to a page.
        options.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
        options.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
        options.Events.OnValidatePrincipal = EndDisabledSessions;
    }

    internal static void Configure(AntiforgeryOptions options)
    {
        options.HeaderName = AntiforgeryHeader;
        options.Cookie.Name = AntiforgeryCookie;
        options.Cookie.SameSite = SameSiteMode.Strict;
    }

    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/console"))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A disabled account's sessions end: its state is read again at most every 30 s per gateway (as a revoked key is
    /// refused within 30 s), so a busy console does not ask the cluster on every request.
    /// </summary>
    private static async Task EndDisabledSessions(CookieValidatePrincipalContext context)
    {
        var username = context.Principal?.FindFirst("sub")?.Value;
        if (username is null)
        {
            context.RejectPrincipal();
            return;
        }
        var services = context.HttpContext.RequestServices;
        var cache = services.GetRequiredService<IMemoryCache>();
        var cacheKey = (typeof(ConsoleCookie), username);
        if (!cache.TryGetValue(cacheKey, out bool enabled))
        {
            var account = await services.GetRequiredService<IGrainFactory>().GetGrain<IStaffAccountGrain>(username).Get();
            enabled = account is { DisabledAt: null };
            cache.Set(cacheKey, enabled, TimeSpan.FromSeconds(30));
        }
        if (!enabled)
        {
            context.RejectPrincipal();
        }
    }

    /// <summary>Forgets what is known of an account's sessions on this gateway (after disabling it).</summary>
    internal static void Forget(IMemoryCache cache, string username) => cache.Remove((typeof(ConsoleCookie), username));
}
