using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace GridActors.Grains.Notifications;

/// <summary>
/// One way a notification travels. A channel sends one message and says how it went; it never retries (the issue's
/// notifications grain does, with backoff and a record of each attempt) and never logs the address.
/// </summary>
public interface INotificationChannel
{
    NotificationChannel Channel { get; }

    Task<SendResult> Send(Notification notification, CancellationToken cancellationToken);
}

/// <summary>How an attempt went: sent, failed for now (retry), or refused for good.</summary>
public sealed record SendResult(NotificationState State, string? Error)
{
    public static readonly SendResult Sent = new(NotificationState.Sent, null);

    public static SendResult Retry(string error) => new(NotificationState.Retrying, error);

    public static SendResult Refused(string error) => new(NotificationState.Failed, error);
}

/// <summary>
/// The generic HTTP SMS gateway adapter: the request is settings (<see cref="SmsGatewaySettings"/>), so a county points
/// it at its provider without code. A timeout, a connection failure or a 5xx answer is retried; any other non-2xx is
/// the provider refusing the message, which sending again will not change.
/// </summary>
internal sealed class HttpSmsChannel(IOptions<NotificationSettings> options) : INotificationChannel, IDisposable
{
    // One client for the silo's lifetime: connections are pooled and refreshed (DNS changes) by the handler.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public NotificationChannel Channel => NotificationChannel.Sms;

    public async Task<SendResult> Send(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sms = settings.Sms;
        if (string.IsNullOrWhiteSpace(sms.Url))
        {
            return SendResult.Refused("no SMS gateway is configured (Notifications:Sms:Url)");
        }
        if (notification.Address is not { } phone)
        {
            return SendResult.Refused("no phone number");
        }
        var text = sms.Signature + notification.Text;
        using var request = new HttpRequestMessage(new HttpMethod(sms.Method),
            sms.Url.Replace("{phone}", Uri.EscapeDataString(phone), StringComparison.Ordinal).Replace("{text}", Uri.EscapeDataString(text), StringComparison.Ordinal));
        foreach (var (name, value) in sms.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (!HttpMethods.IsGetLike(sms.Method) && sms.Body.Length > 0)
        {
            var body = sms.Body.Replace("{phone}", Escape(phone, sms.ContentType), StringComparison.Ordinal)
                .Replace("{text}", Escape(text, sms.ContentType), StringComparison.Ordinal);
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(sms.ContentType) { CharSet = "utf-8" };
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => SendResult.Sent,
                >= 500 or (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.RequestTimeout => SendResult.Retry($"SMS gateway answered {status}"),
                _ => SendResult.Refused($"SMS gateway answered {status}"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retry($"SMS gateway did not answer within {settings.SendTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            // The message of a connection failure names the host, never the phone number (that is in the body or query).
            return SendResult.Retry($"SMS gateway unreachable: {ex.HttpRequestError}");
        }
    }

    private static string Escape(string value, string contentType) =>
        contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString()
            : contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? Uri.EscapeDataString(value) : value;

    public void Dispose() => _http.Dispose();

    private static class HttpMethods
    {
        public static bool IsGetLike(string method) =>
            string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "DELETE", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// Email over SMTP with MailKit. A connection failure, a timeout or a 4xx reply (the server asks to try later) is
/// retried; a 5xx reply (a refused recipient or sender) is not.
/// </summary>
internal sealed class SmtpEmailChannel(IOptions<NotificationSettings> options) : INotificationChannel
{
    public NotificationChannel Channel => NotificationChannel.Email;

    public async Task<SendResult> Send(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var smtp = settings.Email;
        if (string.IsNullOrWhiteSpace(smtp.Host) || string.IsNullOrWhiteSpace(smtp.From))
        {
            return SendResult.Refused("no SMTP server is configured (Notifications:Email:Host, From)");
        }
        if (notification.Address is not { } address || !MailboxAddress.TryParse(address, out var to))
        {
            return SendResult.Refused("no valid email address");
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(to);
        message.Subject = notification.Text.Length > 60 ? notification.Text[..60] : notification.Text;
        var link = settings.ConsoleUrl.Length > 0 ? $"\n\n{settings.ConsoleUrl.TrimEnd('/')}/console/issues/{notification.IssueId}" : "";
        message.Body = new TextPart("plain") { Text = notification.Text + link };
        message.MessageId = $"{notification.Id:N}@gridactors";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, Security(smtp.Security), timeout.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timeout.Token);
            }
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return SendResult.Sent;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retry($"SMTP server did not answer within {settings.SendTimeout.TotalSeconds:0.#} s");
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            return code is >= 400 and < 500 ? SendResult.Retry($"SMTP server answered {code}") : SendResult.Refused($"SMTP server answered {code}");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or SmtpProtocolException or SslHandshakeException or AuthenticationException)
        {
            return SendResult.Retry($"SMTP server unreachable: {ex.GetType().Name}");
        }
    }

    private static SecureSocketOptions Security(string name) => name.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}

/// <summary>The console's own inbox: the notification is stored in the staff member's inbox grain.</summary>
internal sealed class InboxChannel(IGrainFactory grains) : INotificationChannel
{
    public NotificationChannel Channel => NotificationChannel.Inbox;

    public async Task<SendResult> Send(Notification notification, CancellationToken cancellationToken)
    {
        if (!notification.Person.StartsWith(NotificationPeople.StaffPrefix, StringComparison.Ordinal))
        {
            return SendResult.Refused("only staff accounts have a console inbox");
        }
        await grains.GetGrain<IStaffInboxGrain>(notification.Person[NotificationPeople.StaffPrefix.Length..])
            .Add(new InboxItem(notification.Id, notification.IssueId, notification.Kind, notification.Text, notification.CreatedAt, Read: false));
        return SendResult.Sent;
    }
}
