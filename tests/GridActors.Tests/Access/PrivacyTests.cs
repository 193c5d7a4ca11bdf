using System.Net;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;

namespace GridActors.Tests.Access;

public sealed class PrivacyTests
{
    [Fact]
    public async Task Reporter_IsMaskedForReaders_ShownToHandlers_AndEveryShownReadIsAudited()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        var id = await IssueApi.Report(admin, County.Grid);
        async Task<string> Key(string role) =>
            (await (await admin.PostJson("/api/v1/keys", $$"""{"app":"{{role}}-app","jurisdiction":"{{County.Code}}","roles":["{{role}}"]}""")).Json())["secret"].Str();

        var reader = app.ClientWith(await Key("reader"));
        var masked = await reader.GetJson($"/api/v1/issues/{id}");
        Assert.Equal("张*", masked["reporter"]!["name"].Str());
        Assert.Equal("138****0000", masked["reporter"]!["phone"].Str());

        var handlerKey = await Key("handler");
        var handler = app.ClientWith(handlerKey);
        var shown = await handler.GetJson($"/api/v1/issues/{id}");
        Assert.Equal("张三", shown["reporter"]!["name"].Str());
        Assert.Equal("13800000000", shown["reporter"]!["phone"].Str());

        var audit = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");
        var entry = Assert.Single(audit["items"]!.AsArray(), e => e!["keyId"].Str() == handlerKey.Split('.')[1]);
        Assert.Equal($"issue {id} reporter", entry!["what"].Str());
        Assert.Equal("handler-app", entry["app"].Str());
        Assert.DoesNotContain(audit["items"]!.AsArray(), e => e!["app"].Str() == "reader-app");
    }

    [Fact]
    public async Task AKeyOverItsRateLimit_Gets429WithRetryAfter()
    {
        await using var app = GatewayApp.OnSqlite();
        ((Dictionary<string, string?>)app.Settings)["RateLimits:PermitsPerSecond"] = "1";
        ((Dictionary<string, string?>)app.Settings)["RateLimits:Burst"] = "3";
        var http = app.Start();
        // A second key, made before the first runs out: each key has a bucket of its own.
        var other = app.ClientWith((await (await http.PostJson("/api/v1/keys", """{"app":"other-app","jurisdiction":"340822","roles":["reader"]}""")).Json())["secret"].Str());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await http.GetAsync("/api/v1/counties/340822")).StatusCode);
        }
        var limited = await http.GetAsync("/api/v1/counties/340822");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await limited.AssertProblem(429);
        Assert.Contains(HttpStatusCode.NotFound, statuses);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.GetAsync("/api/v1/counties/340822")).StatusCode);

        // Retry-After tells the truth: after that long the key is served again.
        await Task.Delay(limited.Headers.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/counties/340822")).StatusCode);
    }
}
