using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GridActors.Gateway.Console;

/// <summary>An answer of the API as a page sees it: the status, the JSON body, and for a 400 the message of each field.</summary>
public sealed record ApiAnswer(int Status, JsonNode? Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The service could not be reached or said it is unavailable (503, 504): the page says so, never a trace.</summary>
    public bool Unavailable => Status is 0 or 502 or 503 or 504;

    public bool NotFound => Status == 404;

    /// <summary>field → the first rule it broke, from a problem+json <c>errors</c> member.</summary>
    public IReadOnlyDictionary<string, string> Errors =>
        Body?["errors"] is JsonObject errors
            ? errors.ToDictionary(e => e.Key, e => e.Value is JsonArray { Count: > 0 } a ? a[0]?.ToString() ?? "" : e.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>();

    public string? Detail => Body?["detail"]?.ToString() ?? Body?["title"]?.ToString();
}

/// <summary>
/// How every console page reads and changes data: through the gateway's own HTTP API, as the signed-in staff member.
/// The request goes over loopback with the member's console cookie and an antiforgery token, so it meets exactly the
/// checks an app meets (access rules, body references, masking, validation, idempotency, audit): one implementation,
/// never a copy of a handler's rules in a page (docs/console.md says why this and not calling the grains).
/// </summary>
public sealed class ConsoleApi(IHttpContextAccessor accessor, IHttpClientFactory clients, IServer server, IAntiforgery antiforgery)
{
    public const string ClientName = "console-loopback";

    /// <summary>The client a file upload goes through: an import of 100,000 rows takes minutes, not the 30 s of a page's read.</summary>
    public const string UploadClientName = "console-loopback-upload";

    public Task<ApiAnswer> Get(string path, CancellationToken cancellationToken = default) => Send(HttpMethod.Get, path, null, null, cancellationToken);

    public Task<ApiAnswer> Post(string path, object? body, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        Send(HttpMethod.Post, path, body, idempotencyKey, cancellationToken);

    public Task<ApiAnswer> Delete(string path, CancellationToken cancellationToken = default) => Send(HttpMethod.Delete, path, null, null, cancellationToken);

    /// <summary>
    /// Sends a file as the request body with its own content type (an import's CSV or XLSX): the API reads the body
    /// as it arrives, so the console never holds the file as JSON or a second form.
    /// </summary>
    public Task<ApiAnswer> PostFile(string path, Stream file, string contentType, CancellationToken cancellationToken = default)
    {
        var content = new StreamContent(file);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Send(HttpMethod.Post, path, content, null, cancellationToken);
    }

    private async Task<ApiAnswer> Send(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("the console calls the API only while serving a request");
        using var request = new HttpRequestMessage(method, new Uri(Base(), path));
        var cookies = http.Request.Cookies.Where(c => c.Key != ConsoleCookieNames.Antiforgery).ToDictionary(c => c.Key, c => c.Value);
        if (method != HttpMethod.Get)
        {
            // The token pair of this request's user: the cookie half goes with the other cookies, the request half in the header.
            var tokens = antiforgery.GetTokens(http);
            if (tokens.CookieToken is { } cookieToken)
            {
                cookies[ConsoleCookieNames.Antiforgery] = cookieToken;
            }
            else if (http.Request.Cookies.TryGetValue(ConsoleCookieNames.Antiforgery, out var existing))
            {
                cookies[ConsoleCookieNames.Antiforgery] = existing;
            }
            request.Headers.Add(ConsoleCookieNames.AntiforgeryHeader, tokens.RequestToken);
            if (body is HttpContent content)
            {
                request.Content = content;
            }
            else if (method != HttpMethod.Delete)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body ?? new { }, JsonOptions), Encoding.UTF8, "application/json");
            }
        }
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        try
        {
            using var response = await clients.CreateClient(body is HttpContent ? UploadClientName : ClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? json = null;
            if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
            {
                json = JsonNode.Parse(text);
            }
            return new ApiAnswer((int)response.StatusCode, json);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new ApiAnswer(0, null);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private Uri? _base;

    /// <summary>This gateway's own address, with a wildcard host (0.0.0.0, [::], +, *) read as loopback.</summary>
    private Uri Base()
    {
        if (_base is not null)
        {
            return _base;
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the gateway listens on no address");
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }
        return _base = uri.Uri;
    }
}

/// <summary>The names the console shares with the access checks (Access.ConsoleCookie).</summary>
internal static class ConsoleCookieNames
{
    public const string Antiforgery = Access.ConsoleCookie.AntiforgeryCookie;
    public const string AntiforgeryHeader = Access.ConsoleCookie.AntiforgeryHeader;
}
