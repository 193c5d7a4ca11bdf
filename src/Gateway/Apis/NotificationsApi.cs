using GridActors.Gateway.Access;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Notifications;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>
/// Notifications (通知): those of an issue, as a record of who was told what and how it went, and a caller's own inbox
/// and settings. Sending is the silo's (src/Grains/Notifications, docs/notifications.md); these only read and set.
/// </summary>
public static class NotificationsApi
{
    public const int MaxInboxPage = 200;

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Notifications");
        api.MapGet("/issues/{id}/notifications", IssueNotifications)
            .AddEndpointFilter<PersonalDataFilter>()
            .WithName("ListIssueNotifications")
            .WithSummary("The notifications of an issue")
            .WithDescription("事件通知记录: every notification the issue's changes caused, oldest first: kind, channel, recipient (role, name, phone or email), text, "
                + "state (pending, held, sent, retrying, failed, skipped), attempts and the last error. Recipients' phones and emails, and the reporter's name, are "
                + "masked as the issue's reporter is for callers who may not see it. Paged by cursor (limit 1-200, default 50).");
        var me = api.MapGroup("/me").AnyRole();
        me.MapGet("/notifications", Inbox)
            .WithName("ListMyNotifications")
            .WithSummary("My notifications")
            .WithDescription("站内消息: the signed-in staff member's console inbox, newest first (limit 1-200, default 50), and how many are unread. "
                + "Notifications reach staff accounts; an app's key has an inbox nothing is sent to.");
        me.MapPost("/notifications/read", MarkRead)
            .WithName("MarkMyNotificationsRead")
            .WithSummary("Mark my notifications read")
            .WithDescription("全部已读: marks every item of the caller's inbox read; answers how many were unread.");
        me.MapGet("/notification-settings", Settings)
            .WithName("GetMyNotificationSettings")
            .WithSummary("My notification settings")
            .WithDescription("通知设置: the phone and email notifications reach the caller at, and the channels chosen per kind (kinds not listed use the defaults).");
        me.MapPut("/notification-settings", SetSettings)
            .WithName("PutMyNotificationSettings")
            .WithSummary("Set my notification settings")
            .WithDescription("通知设置: phone and email (either may be null), and channels per kind: sms, email, inbox; an empty list opts out of that kind. "
                + "Kinds: reported, escalated, handedDown, deadlineApproaching, deadlinePassed.");
        return endpoints;
    }

    private static async Task<Results<Ok<ListResponse<NotificationResponse>>, ValidationProblem, ProblemHttpResult>> IssueNotifications(string id, string? cursor, int? limit, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!Guid.TryParse(id, out var issueId))
        {
            errors.Add("id", "must be an issue id (a GUID)");
        }
        var (offset, size) = PartyApiSupport.Paging(cursor, limit, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var issue = await grains.GetGrain<IIssueGrain>(issueId).Get();
        if (issue is null || !AccessRules.CanRead(http, issue.OriginGrid, issue.Holder))
        {
            return Problems.NotFound($"No issue {id} exists.");
        }
        var list = await grains.GetGrain<IIssueNotificationsGrain>(issueId).List();
        // Each notification is a record of its own: the personal-data filter masks or shows each and audits each shown.
        var items = list.Select(n => NotificationResponse.From(n, issue)).ToArray();
        return TypedResults.Ok(PartyApiSupport.Page(items, offset, size));
    }

    private static async Task<Results<Ok<InboxResponse>, ValidationProblem>> Inbox(int? limit, HttpContext http, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxInboxPage)
        {
            return Problems.Invalid("limit", $"must be from 1 to {MaxInboxPage}");
        }
        var page = await grains.GetGrain<IStaffInboxGrain>(InboxOf(http)).Page(limit ?? 50);
        return TypedResults.Ok(new InboxResponse(page.Items, page.Unread));
    }

    private static async Task<Ok<MarkedReadResponse>> MarkRead(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(new MarkedReadResponse(await grains.GetGrain<IStaffInboxGrain>(InboxOf(http)).MarkAllRead()));

    // Declared with 400 as every API operation is (the pipeline answers a malformed query or header so), though this handler has no input of its own.
    private static async Task<Results<Ok<NotificationSettingsResponse>, ValidationProblem>> Settings(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(NotificationSettingsResponse.From(await grains.GetGrain<INotificationPersonGrain>(PersonOf(http)).Profile()));

    private static async Task<Results<Ok<NotificationSettingsResponse>, ValidationProblem>> SetSettings(NotificationSettingsInput body, HttpContext http, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        var phone = body.Phone is null ? null : Rules.Phone(errors, "phone", body.Phone);
        var email = body.Email?.Trim();
        if (email is not null && (email.Length > 254 || !MimeKit.MailboxAddress.TryParse(email, out _) || !email.Contains('@', StringComparison.Ordinal)))
        {
            errors.Add("email", "must be an email address of at most 254 characters");
        }
        var channels = new Dictionary<NotificationKind, IReadOnlyList<NotificationChannel>>();
        foreach (var (name, chosen) in body.Channels ?? [])
        {
            if (!EnumNames.TryParse<NotificationKind>(name, out var kind) || kind > NotificationKind.DeadlinePassed)
            {
                errors.Add($"channels.{name}", "must be one of: reported, escalated, handedDown, deadlineApproaching, deadlinePassed");
                continue;
            }
            var list = new List<NotificationChannel>();
            foreach (var channel in chosen ?? [])
            {
                if (!EnumNames.TryParse<NotificationChannel>(channel, out var parsed))
                {
                    errors.Add($"channels.{name}", EnumNames.Rule<NotificationChannel>(channel));
                }
                else if (!list.Contains(parsed))
                {
                    list.Add(parsed);
                }
            }
            channels[kind] = list;
        }
        if (!errors.IsEmpty)
        {
            return Problems.Invalid(errors);
        }
        var profile = new NotificationProfile(phone, email, channels);
        await grains.GetGrain<INotificationPersonGrain>(PersonOf(http)).SetProfile(profile);
        return TypedResults.Ok(NotificationSettingsResponse.From(profile));
    }

    /// <summary>
    /// A staff member signed in to the console is their account (notifications reach it); any other caller (an app's
    /// key, a county's bearer token) gets an inbox and settings of its own that nothing is sent to, so no caller ever
    /// reads a staff member's inbox by having the same id.
    /// </summary>
    private static string PersonOf(HttpContext http) => http.User.Identity?.AuthenticationType == ConsoleCookie.Scheme
        ? NotificationPeople.Staff(http.Caller().Id)
        : "caller:" + http.Caller().Id;

    private static string InboxOf(HttpContext http) => http.User.Identity?.AuthenticationType == ConsoleCookie.Scheme
        ? http.Caller().Id
        : "caller:" + http.Caller().Id;
}

public sealed record NotificationSettingsInput(string? Phone, string? Email, Dictionary<string, List<string>?>? Channels);

public sealed record NotificationSettingsResponse(string? Phone, string? Email, IReadOnlyDictionary<string, IReadOnlyList<NotificationChannel>> Channels)
{
    public static NotificationSettingsResponse From(NotificationProfile p) =>
        new(p.Phone, p.Email, p.Channels.ToDictionary(c => EnumNames.Name(c.Key), c => c.Value));
}

public sealed record InboxResponse(IReadOnlyList<InboxItem> Items, int Unread);

public sealed record MarkedReadResponse(int Marked);

/// <summary>One notification as the API shows it.</summary>
public sealed record NotificationResponse(
    Guid Id,
    long Version,
    NotificationKind Kind,
    NotificationChannel Channel,
    RecipientRole Role,
    string Name,
    string? Address,
    string Unit,
    string Text,
    NotificationState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt,
    string? Error,
    [property: System.Text.Json.Serialization.JsonIgnore] Guid IssueId,
    [property: System.Text.Json.Serialization.JsonIgnore] string Grid,
    [property: System.Text.Json.Serialization.JsonIgnore] string Holder) : IPersonalData
{
    public static NotificationResponse From(Notification n, IssueView issue) => new(
        n.Id, n.Version, n.Kind, n.Channel, n.Role, n.Name, n.Address, n.Unit, n.Text, n.State, n.Attempts, n.CreatedAt, n.NextAttemptAt, n.SentAt, n.Error,
        issue.Id, issue.OriginGrid, issue.Holder);

    // Personal data of the issue's grid and holder, shown as the issue's reporter is.
    string IPersonalData.PersonalDataUnit => Grid;

    IEnumerable<string> IPersonalData.PersonalDataReaders => [Holder, Grid];

    string? IPersonalData.PersonalDataWhat => Address is not null || Role == RecipientRole.Reporter ? $"issue {IssueId} notification {Id} recipient" : null;

    IPersonalData IPersonalData.Masked() => this with
    {
        // Grid staff's and staff accounts' names are public (on the grid's board, in the history); a reporter's is not.
        Name = Role == RecipientRole.Reporter ? Privacy.MaskName(Name) : Name,
        Address = Address is null ? null : Address.Contains('@', StringComparison.Ordinal) ? PersonalData.Hidden : Privacy.MaskPhone(Address),
    };
}

