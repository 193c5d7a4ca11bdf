using GridActors.Gateway.Access;
using GridActors.Grains.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace GridActors.Gateway.Console;

/// <summary>
/// What every console page shares: the request, the signed-in staff member, the language, and how an API answer that is
/// not a success becomes what the page says (404 for what the member may not see, a plain sentence when the service is
/// unavailable; never a stack trace).
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = null!;
    [Inject] protected ConsoleApi Api { get; set; } = null!;
    [Inject] protected NavigationManager Nav { get; set; } = null!;
    [Inject] protected GridClock Clock { get; set; } = null!;

    protected Caller? Me => Caller.From(Http.User);

    protected bool English => ConsoleHosting.English(Http);

    protected string L(string zh, string en) => English ? en : zh;

    /// <summary>Why the page shows nothing else: not found, unavailable, refused.</summary>
    protected string? Failure { get; private set; }

    protected virtual bool NeedsSignIn => true;

    protected override async Task OnInitializedAsync()
    {
        if (NeedsSignIn && Me is null)
        {
            var here = "/" + Nav.ToBaseRelativePath(Nav.Uri);
            Nav.NavigateTo($"/console/sign-in?returnUrl={Uri.EscapeDataString(here)}");
            return;
        }
        // After an admin's reset the member chooses a new password before anything else.
        if (NeedsSignIn && Http.User.HasClaim(ConsoleCookie.MustChangePasswordClaim, "true") && GetType() != typeof(Pages.Password))
        {
            Nav.NavigateTo(ConsoleHosting.ConsolePasswordPage);
            return;
        }
        await LoadAsync();
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>True (and the page's failure and status set) when the answer is not a success.</summary>
    protected bool Failed(ApiAnswer answer)
    {
        if (answer.Ok)
        {
            return false;
        }
        if (answer.NotFound)
        {
            // The router's not-found page, with a 404 (a page of its own keeps ASP.NET Core's status code pages off it).
            Nav.NotFound();
            Failure = L("找不到该内容，或不在您的管辖范围内。", "Not found, or outside your jurisdiction.");
            return true;
        }
        Failure = answer switch
        {
            { Unavailable: true } => L("服务暂时不可用，请稍后刷新重试。", "The service is unavailable just now; reload the page in a moment."),
            { NotFound: true } => L("找不到该内容，或不在您的管辖范围内。", "Not found, or outside your jurisdiction."),
            { Status: 403 } => L("您没有执行此操作的权限。", "You are not allowed to do this."),
            _ => answer.Detail ?? L("请求未能完成。", "The request could not be completed."),
        };
        SetStatus(answer);
        return true;
    }

    /// <summary>
    /// Answers with the API's status (0, no answer at all, as 503), keeping the page's own body: without this, the
    /// gateway's status code pages would replace a 404 page with the API's problem+json.
    /// </summary>
    protected void SetStatus(ApiAnswer answer)
    {
        if (!Http.Response.HasStarted)
        {
            if (Http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            Http.Response.StatusCode = answer.Status == 0 ? StatusCodes.Status503ServiceUnavailable : answer.Status;
        }
    }

    protected DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>China Standard Time, in which staff read every time.</summary>
    protected static string Local(DateTimeOffset? at) => at is { } t ? t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "";

    protected static string Local(string? iso) => DateTimeOffset.TryParse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t) ? Local(t) : "";
}
