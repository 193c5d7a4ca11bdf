namespace GridActors.Grains.Notifications;

/// <summary>
/// The configuration section <c>Notifications</c> (docs/notifications.md, "how to set each up"). A county points the
/// SMS adapter at its own provider and the email channel at its own SMTP server; nothing here is provider specific.
/// </summary>
public sealed class NotificationSettings
{
    public const string Section = "Notifications";

    public SmsGatewaySettings Sms { get; set; } = new();

    public SmtpSettings Email { get; set; } = new();

    /// <summary>Quiet hours (免打扰) in China Standard Time, "HH:mm"; no SMS between them unless the kind is urgent.</summary>
    public string QuietFrom { get; set; } = "22:00";

    public string QuietUntil { get; set; } = "07:00";

    /// <summary>Kinds sent by SMS even in quiet hours.</summary>
    public List<NotificationKind> Urgent { get; set; } = [NotificationKind.DeadlinePassed];

    /// <summary>At most this many SMS and emails to one person in any hour; beyond it they wait for the hour to free.</summary>
    public int CapPerHour { get; set; } = 10;

    /// <summary>How long before a deadline its holder's staff are told it approaches.</summary>
    public TimeSpan DeadlineWarning { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Attempts per notification before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the second attempt; it doubles with each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one attempt may take before it counts as a timeout (and is retried).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The console's address, for the link in emails; empty: no link.</summary>
    public string ConsoleUrl { get; set; } = "";
}

/// <summary>
/// A generic HTTP SMS gateway (短信网关): the request the adapter sends per message. <c>{phone}</c> and <c>{text}</c>
/// in <see cref="Url"/> are URL-encoded, in <see cref="Body"/> escaped for <see cref="ContentType"/> (JSON or form).
/// </summary>
public sealed class SmsGatewaySettings
{
    /// <summary>Empty: no SMS is sent, and SMS notifications are recorded as failed with that reason.</summary>
    public string Url { get; set; } = "";

    public string Method { get; set; } = "POST";

    /// <summary>Headers of every request, e.g. the provider's API key.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    public string ContentType { get; set; } = "application/json";

    public string Body { get; set; } = """{"phone":"{phone}","text":"{text}"}""";

    /// <summary>Prefixed to every text, as providers require a registered signature (短信签名), e.g. 【怀宁县网格】.</summary>
    public string Signature { get; set; } = "";
}

/// <summary>The SMTP server emails are sent through (MailKit).</summary>
public sealed class SmtpSettings
{
    /// <summary>Empty: no email is sent, and email notifications are recorded as failed with that reason.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary><c>none</c>, <c>startTls</c> (required), <c>startTlsWhenAvailable</c>, or <c>tls</c> (on connect, port 465).</summary>
    public string Security { get; set; } = "startTlsWhenAvailable";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "";

    public string FromName { get; set; } = "网格化管理";
}
