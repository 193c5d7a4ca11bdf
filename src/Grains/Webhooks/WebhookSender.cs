using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GridActors.Grains.Webhooks;

/// <summary>
/// <c>Webhooks:AllowPrivateAddresses</c> (default false): whether a webhook may point at loopback or private addresses
/// (tests, whose receiver runs on loopback). <c>Webhooks:TimeoutSeconds</c> (default 10): how long a receiver has to
/// answer before the attempt counts as failed.
/// </summary>
public sealed record WebhookOptions(bool AllowPrivateAddresses, TimeSpan Timeout)
{
    public static readonly WebhookOptions Default = new(false, TimeSpan.FromSeconds(10));
}

/// <summary>What one attempt got: the receiver's status code (null: no answer) and the error, if any.</summary>
public sealed record WebhookOutcome(int? StatusCode, string? Error, TimeSpan Elapsed)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends deliveries: one HTTP client for the silo, no redirects followed (a redirect could lead to an address the URL
/// check refused), no proxy, and a connection step that refuses private addresses after resolving the name, so a name
/// re-pointed at an internal address after subscribing reaches nothing.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;

    public WebhookSender(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.Timeout,
            ConnectCallback = (context, cancellationToken) => Connect(context, options.AllowPrivateAddresses, cancellationToken),
        };
        _http = new HttpClient(handler) { Timeout = options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("GridActors-Webhooks/1");
    }

    public async Task<WebhookOutcome> Send(string url, string secret, Guid id, long timestamp, string body)
    {
        var started = Stopwatch.GetTimestamp();
        var idText = id.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.IdHeader, idText);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, idText, timestamp, body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            return new WebhookOutcome(status, status is >= 200 and < 300 ? null : $"answered {status}", Stopwatch.GetElapsedTime(started));
        }
        catch (TaskCanceledException)
        {
            return new WebhookOutcome(null, "timed out", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new WebhookOutcome(null, e.InnerException?.Message ?? e.Message, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(a => !WebhookUrls.IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{host} resolves only to loopback, private or internal addresses, which webhooks may not reach");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();
}
