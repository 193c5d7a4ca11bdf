using System.Net;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Access;

/// <summary>
/// Every answer tells browsers not to sniff, frame or pass on its address, API answers are never cached, and the
/// server does not name itself. Behind a proxy named in ForwardedHeaders:KnownProxies, requests without a key are
/// counted against the client's address, not the proxy's.
/// </summary>
public sealed class HttpHygieneTests(HttpHygieneTests.Fixture fixture) : IClassFixture<HttpHygieneTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayApp App { get; } = GatewayApp.OnSqlite();
        public HttpClient Admin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Admin = App.Start();
            await County.Create(Admin);
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    public static TheoryData<string, string, bool, int> Routes => new()
    {
        // who, path, an API answer, the status expected
        { "admin", $"/api/v1/counties/{County.Code}", true, 200 },
        { "nobody", $"/api/v1/counties/{County.Code}", true, 401 },
        { "admin", $"/api/v1/issues/{Guid.Empty}", true, 404 },
        { "admin", "/no-such-page", false, 404 },
        { "nobody", "/health/live", false, 200 },
        { "nobody", "/openapi/v1.json", false, 200 },
        { "nobody", $"/open311/v2/requests.json?jurisdiction_id={County.Code}", false, 200 },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_answer_carries_the_browser_headers_and_no_server_name(string who, string path, bool api, int status)
    {
        var response = await (who == "admin" ? fixture.Admin : fixture.App.ClientWith(null)).GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        AssertBrowserHeaders(response);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        if (api)
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task The_docs_page_may_load_its_scripts_but_is_never_framed()
    {
        var response = await fixture.App.ClientWith(null).GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertBrowserHeaders(response);
        // Scalar's page runs its own script and styles: a default-src 'none' would leave it blank.
        Assert.Equal("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        // The page's own scripts load (they are served beside it), with the same headers.
        var html = await response.Content.ReadAsStringAsync();
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var asset = await fixture.App.ClientWith(null).GetAsync(new Uri(response.RequestMessage!.RequestUri!, script));
            Assert.True(asset.IsSuccessStatusCode, $"{script}: {(int)asset.StatusCode}");
            AssertBrowserHeaders(asset);
        }
    }

    [Fact]
    public async Task Without_known_proxies_X_Forwarded_For_does_not_change_the_address_requests_are_counted_against()
    {
        await using var app = LimitedToTwoABurst();
        app.Start();
        var client = app.ClientWith(null);
        await client.GetAsync("/health/live"); // not counted: warms the pipeline, so the three below fall within a second

        Assert.Equal(HttpStatusCode.OK, await Discovery(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await Discovery(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Discovery(client, "203.0.113.2"));
    }

    [Fact]
    public async Task Behind_a_known_proxy_requests_without_a_key_are_counted_per_client_address()
    {
        await using var app = LimitedToTwoABurst().WithSetting("ForwardedHeaders:KnownProxies", "127.0.0.1, ::1");
        app.Start();
        var client = app.ClientWith(null);
        await client.GetAsync("/health/live"); // not counted: warms the pipeline, so the three below fall within a second

        Assert.Equal(HttpStatusCode.OK, await Discovery(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await Discovery(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Discovery(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await Discovery(client, "203.0.113.2"));
    }

    private static GatewayApp LimitedToTwoABurst() =>
        GatewayApp.OnSqlite().WithSetting("RateLimits:PermitsPerSecond", "1").WithSetting("RateLimits:Burst", "2");

    private static async Task<HttpStatusCode> Discovery(HttpClient client, string clientAddress)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open311/v2/discovery.json");
        request.Headers.Add("X-Forwarded-For", clientAddress);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static void AssertBrowserHeaders(HttpResponseMessage response)
    {
        var path = response.RequestMessage!.RequestUri!.PathAndQuery;
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", path);
        Assert.True(Header(response, "X-Frame-Options") == "DENY", path);
        Assert.True(Header(response, "Referrer-Policy") == "no-referrer", path);
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.False(response.Headers.Contains("Server"), $"{path}: Server {response.Headers.Server}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
