using System.Net;
using System.Text.RegularExpressions;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Console;

/// <summary>
/// A browser's session with the console, without a browser: a cookie jar, the sign-in form (with its antiforgery token)
/// and API calls carrying the console cookie, as the console's pages and a forged cross-site request would send them.
/// </summary>
public sealed partial class ConsoleSession : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }

    public ConsoleSession(GatewayApp app)
    {
        var address = app.ClientWith(null).BaseAddress!;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    /// <summary>The antiforgery token of a console page (its hidden form field); the page also sets the cookie half.</summary>
    public async Task<string> FormToken(string page = "/console/sign-in")
    {
        var html = await Http.GetStringAsync(page);
        return TokenField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"no antiforgery token on {page}");
    }

    /// <summary>Signs in through the form; answers the form's redirect (302 to the console or back to the form).</summary>
    public async Task<HttpResponseMessage> SignIn(string username, string password)
    {
        var token = await FormToken();
        return await Http.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
