using GridActors.Gateway.Access;
using GridActors.Grains.Audit;
using GridActors.Grains.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace GridActors.Gateway.Console;

/// <summary>
/// The staff console (工作台) at <c>/console</c>: Blazor pages rendered on the server (static rendering, plain HTML forms,
/// no script), the sign-in and sign-out form endpoints, and the language switch.
/// </summary>
public static partial class ConsoleHosting
{
    public const string LanguageCookie = "gridactors.lang";

    public static WebApplicationBuilder AddGridActorsConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddHttpContextAccessor();
        // Loopback to this gateway: no proxy, no cookie jar of its own (each call carries the signed-in user's cookie).
        builder.Services.AddHttpClient(ConsoleApi.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, UseProxy = false });
        builder.Services.AddHttpClient(ConsoleApi.UploadClientName, client => client.Timeout = TimeSpan.FromMinutes(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseCookies = false, UseProxy = false });
        builder.Services.AddScoped<ConsoleApi>();
        return builder;
    }

    public static WebApplication MapGridActorsConsole(this WebApplication app, RouteGroupBuilder anyone)
    {
        anyone.MapPost("/console/sign-in", SignIn).ExcludeFromDescription();
        anyone.MapPost("/console/sign-out", (Func<HttpContext, Task<IResult>>)SignOut).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        anyone.MapGet("/console/language/{language}", SwitchLanguage).ExcludeFromDescription();
        app.MapRazorComponents<App>().WithAccess(AccessPolicy.Anyone);
        return app;
    }

    private static async Task<IResult> SignIn(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext http, StaffPasswords passwords, RateLimits limits, IGrainFactory grains, GridClock clock, ILoggerFactory loggers)
    {
        // Failed sign-ins count with failed API keys, per address: guessing passwords is as slow as guessing keys.
        if (!limits.MayTryKey(http, out var wait))
        {
            return Results.Redirect($"/console/sign-in?failed=wait&username={Uri.EscapeDataString(username ?? "")}&wait={(int)Math.Ceiling(wait.TotalSeconds)}");
        }
        var outcome = await passwords.SignIn(username, password);
        if (outcome.Account is not { } account)
        {
            limits.CountFailedKey(http);
            var logger = loggers.CreateLogger(typeof(ConsoleHosting));
            LogFailedSignIn(logger, username ?? "");
            if (outcome.LockedUntil is not { } until)
            {
                return Results.Redirect($"/console/sign-in?failed=1&username={Uri.EscapeDataString(username ?? "")}{Return(returnUrl, "&")}");
            }
            if (outcome.JustLocked)
            {
                LogLocked(logger, username ?? "", until);
                if (outcome.Known is { } known)
                {
                    // In the audit log of the account's county, where its admins read who was locked out and from where.
                    await grains.GetAuditLog().Append([new AuditRead(clock.GetUtcNow(), $"staff:{known.Username}", "console sign-in",
                        $"staff account {known.Username} locked until {until:O} after {StaffPasswords.MaxFailures} failed sign-ins within "
                        + $"{StaffPasswords.FailureWindow.TotalMinutes:0} minutes, the last from {http.Connection.RemoteIpAddress}", known.Jurisdiction)]);
                }
            }
            // The same answer for every locked username, whether or not it has an account.
            var minutes = (int)Math.Ceiling((until - clock.GetUtcNow()).TotalMinutes);
            return Results.Redirect($"/console/sign-in?failed=locked&username={Uri.EscapeDataString(username ?? "")}&wait={Math.Max(1, minutes)}{Return(returnUrl, "&")}");
        }
        await http.SignInAsync(ConsoleCookie.Scheme, ConsoleCookie.Principal(account, outcome.MustChangePassword));
        return Results.Redirect(outcome.MustChangePassword ? ConsolePasswordPage : LocalOnly(returnUrl) ?? "/console");
    }

    /// <summary>Where a member changes the password (and is sent after an admin's reset, until it is changed).</summary>
    public const string ConsolePasswordPage = "/console/password";

    private static async Task<IResult> SignOut(HttpContext http)
    {
        await http.SignOutAsync(ConsoleCookie.Scheme);
        return Results.Redirect("/console/sign-in");
    }

    private static IResult SwitchLanguage(string language, string? back, HttpContext http)
    {
        http.Response.Cookies.Append(LanguageCookie, language == "en" ? "en" : "zh-CN",
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), Path = "/" });
        return Results.Redirect(LocalOnly(back) ?? "/console");
    }

    /// <summary>Where to go after signing in: only a path of this site, so the form cannot be used to send someone elsewhere.</summary>
    internal static string? LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : null;

    private static string Return(string? returnUrl, string separator) =>
        LocalOnly(returnUrl) is { } url ? $"{separator}returnUrl={Uri.EscapeDataString(url)}" : "";

    /// <summary>The console speaks Chinese unless the language cookie asks for English.</summary>
    public static bool English(HttpContext? http) => http?.Request.Cookies[LanguageCookie] == "en";

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: failed sign-in as {Username}")]
    private static partial void LogFailedSignIn(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console: username {Username} locked until {Until} after repeated failed sign-ins")]
    private static partial void LogLocked(ILogger logger, string username, DateTimeOffset until);
}
