using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Hosting;

/// <summary>One gateway with a county, and a browser origin allowed to call it.</summary>
public sealed class HttpDetailsFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://portal.example.gov.cn";

    public GatewayApp App { get; } = GatewayApp.OnSqlite().WithSetting("Cors:AllowedOrigins", AllowedOrigin);

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Conditional reads, paging, size limits, problem types, the root address and CORS, as a client sees them.</summary>
public sealed partial class HttpDetailsTests(HttpDetailsFixture fixture) : IClassFixture<HttpDetailsFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Theory]
    [InlineData("unit")]
    [InlineData("household")]
    public async Task IfNoneMatch_WithTheCurrentETag_Answers304WithoutABody_AndAnOlderOne200(string read)
    {
        var url = read == "unit"
            ? $"/api/v1/grids/{County.Grid}"
            : $"/api/v1/grids/{County.Grid}/households/" + (await (await _http.PostJson($"/api/v1/grids/{County.Grid}/households",
                """{"head":"王五","address":"王家庄 3 号"}""")).Json())["id"].Str();
        var first = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!.Tag;

        var again = await Send(url, etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(etag, again.Headers.ETag?.Tag);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.NotModified, (await Send(url, $"\"99999\", W/{etag}")).StatusCode);
        var other = await Send(url, "\"99999\"");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotEmpty((await other.Json()).AsObject());
    }

    private Task<HttpResponseMessage> Send(string url, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return _http.SendAsync(request);
    }

    [Fact]
    public async Task TheLastPageOfAList_CarriesNextCursorNull()
    {
        var page = (await _http.GetJson($"/api/v1/counties/{County.Code}/categories?limit=100")).AsObject();
        Assert.True(page.ContainsKey("nextCursor"), page.ToJsonString());
        Assert.Null(page["nextCursor"]);
        Assert.NotNull(page["items"]!.AsArray());
    }

    [Fact]
    public async Task ABodyOverOneMegabyte_Gets413ProblemNamingTheLimit()
    {
        var title = new string('纠', 400_000); // 1.2 MB of UTF-8
        using var client = fixture.App.LargeBodyClientWith(GatewayApp.AdminKey);
        var response = await client.PostJson($"/api/v1/grids/{County.Grid}/issues", $$"""{"category":"neighbour-dispute","title":"{{title}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.StartsWith("The body is larger than 1,048,576 bytes", problem["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal("https://gridactors.org/problems/too-large", problem["type"].Str());
    }

    [Fact]
    public async Task EveryProblemAnswer_HasATypeOfOneScheme()
    {
        var noKey = fixture.App.ClientWith(null);
        using var largeBody = fixture.App.LargeBodyClientWith(GatewayApp.AdminKey);
        var badJson = new StringContent("{\"name\":", Encoding.UTF8, "application/json");
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/grids/{County.Grid}")
        {
            Content = new StringContent("""{"name":"一组"}""", Encoding.UTF8, "application/json"),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        await _http.PostJson($"/api/v1/grids/{County.Grid}/households", """{"head":"赵六","address":"赵家 1 号"}""", "reused-key");
        var answers = new List<HttpResponseMessage>
        {
            await _http.GetAsync("/api/v1/no-such-thing"),                                  // routing's 404
            await _http.GetAsync($"/api/v1/grids/{County.Village}999"),                      // 404 of a handler
            await _http.PatchAsync($"/api/v1/grids/{County.Grid}", badJson),                  // 405
            await noKey.GetAsync($"/api/v1/grids/{County.Grid}"),                              // 401
            await _http.PutJson("/api/v1/grids/12", """{"name":"x"}"""),                      // 400 validation
            await _http.PostAsync($"/api/v1/grids/{County.Grid}/households", new StringContent("{\"head\":", Encoding.UTF8, "application/json")), // bad JSON
            await _http.PostAsync($"/api/v1/grids/{County.Grid}/households", new StringContent("head=x", Encoding.UTF8, "text/plain")),          // 415
            await _http.SendAsync(stale),                                                     // 412
            await _http.PostJson($"/api/v1/grids/{County.Grid}/households", """{"head":"钱七","address":"钱家 2 号"}""", "reused-key"), // 422
            await largeBody.PostJson($"/api/v1/grids/{County.Grid}/issues", $$"""{"title":"{{new string('x', 1_100_000)}}"}"""),          // 413
        };
        var seen = new Dictionary<int, string>();
        foreach (var answer in answers)
        {
            var status = (int)answer.StatusCode;
            Assert.True(status >= 400, $"{answer.RequestMessage!.RequestUri} answered {status}");
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            var type = (await answer.Json())["type"].Str();
            Assert.Matches(Scheme(), type);
            seen[status] = type;
        }
        // The sample covers what it means to: answers from handlers, the access checks, ASP.NET Core and Kestrel.
        Assert.Superset(new HashSet<int> { 400, 401, 404, 405, 412, 413, 415, 422 }, seen.Keys.ToHashSet());
        Assert.Equal("https://gridactors.org/problems/unauthorized", seen[401]);
        Assert.Equal("https://gridactors.org/problems/not-found", seen[404]);
    }

    [GeneratedRegex("^https://gridactors\\.org/problems/[a-z]+(-[a-z]+)*$")]
    private static partial Regex Scheme();

    [Fact]
    public async Task TheRootAddress_RedirectsToTheConsole_WhichLinksTheDocs()
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _http.BaseAddress };
        var response = await browser.GetAsync("/");
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, response.StatusCode.ToString());
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        var signIn = await (await new HttpClient { BaseAddress = _http.BaseAddress }.GetAsync("/console")).Content.ReadAsStringAsync();
        Assert.Contains("href=\"/docs\"", signIn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreflightFromAnAllowedOrigin_IsAnsweredWithoutAKey_AndOtherOriginsGetNoCorsHeaders()
    {
        var noKey = fixture.App.ClientWith(null);
        var preflight = await noKey.SendAsync(Preflight(HttpDetailsFixture.AllowedOrigin));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(HttpDetailsFixture.AllowedOrigin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PUT", string.Join(',', preflight.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("x-api-key", string.Join(',', preflight.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        var stranger = await noKey.SendAsync(Preflight("https://elsewhere.example.com"));
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));

        // The call itself still needs its key, and the answer tells the browser it may read it.
        var call = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/grids/{County.Grid}");
        call.Headers.Add("Origin", HttpDetailsFixture.AllowedOrigin);
        var answer = await _http.SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpDetailsFixture.AllowedOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("ETag", string.Join(',', answer.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, $"/api/v1/grids/{County.Grid}");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key,content-type,if-match");
        return request;
    }
}
