using System.Net;
using System.Text.Json.Nodes;
using GridActors.Grains.Access;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Tests.Access;

/// <summary>What an admin's app sees when it creates, retries and lists keys, and reads the audit log page by page.</summary>
public sealed class KeysApiTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private static string KeyJson(string app, string jurisdiction = County.Code, string role = "reader") =>
        $$"""{"app":"{{app}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""";

    [Fact]
    public async Task CreateKey_RetriedWithTheSameIdempotencyKey_AnswersTheSameKey_WithoutShowingTheSecretAgain()
    {
        var first = await fixture.Admin.PostJson("/api/v1/keys", KeyJson("12345热线"), "hotline-key-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var created = await first.Json();
        var secret = created["secret"].Str();

        var retry = await fixture.Admin.PostJson("/api/v1/keys", KeyJson("12345热线"), "hotline-key-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await retry.Json();
        Assert.Equal(created["id"].Str(), replayed["id"].Str());
        Assert.Null(replayed["secret"]);
        Assert.Equal(("12345热线", County.Code, "reader"), (replayed["app"].Str(), replayed["jurisdiction"].Str(), replayed["roles"]![0].Str()));
        Assert.Equal($"/api/v1/keys/{created["id"].Str()}", retry.Headers.Location?.OriginalString);

        // One key, and the secret shown the first time works.
        Assert.Single(await AllKeys(), k => k!["app"].Str() == "12345热线");
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.ClientWith(secret).GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
    }

    [Fact]
    public async Task CreateKey_TheSameIdempotencyKeyWithAnotherBody_Is422_AndTheFirstKeyStaysAsItWas()
    {
        var created = await (await fixture.Admin.PostJson("/api/v1/keys", KeyJson("微信小程序"), "wechat-1")).Json();

        var other = await fixture.Admin.PostJson("/api/v1/keys", KeyJson("微信小程序", County.Code, "admin"), "wechat-1");
        await other.AssertProblem(422, "Idempotency-Key");

        var key = Assert.Single(await AllKeys(), k => k!["id"].Str() == created["id"].Str())!;
        Assert.Equal(["reader"], key["roles"]!.AsArray().Select(r => r.Str()));
        Assert.Single(await AllKeys(), k => k!["app"].Str() == "微信小程序");
    }

    [Fact]
    public async Task CreateKey_TwoAdminsUsingTheSameIdempotencyKey_GetTwoKeys()
    {
        var otherAdmin = fixture.App.ClientWith(await fixture.CreateKey(["admin", "reader"], County.Code));
        var mine = await (await fixture.Admin.PostJson("/api/v1/keys", KeyJson("省平台"), "daily-sync")).Json();
        var theirs = await otherAdmin.PostJson("/api/v1/keys", KeyJson("省平台"), "daily-sync");
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(mine["id"].Str(), (await theirs.Json())["id"].Str());
        Assert.NotNull((await theirs.Json())["secret"]);
    }

    [Fact]
    public async Task CreateKey_AnIdempotencyKeyOver200Characters_Is400_AndCreatesNothing()
    {
        var before = (await AllKeys()).Count;
        await (await fixture.Admin.PostJson("/api/v1/keys", KeyJson("太长"), new string('k', 201))).AssertInvalid("Idempotency-Key", "at most 200");
        Assert.Equal(before, (await AllKeys()).Count);
    }

    [Fact]
    public async Task CreateKey_WhoseFirstAnswerIsLostInTheCluster_IsRetriedByTheGateway_AndStillShowsItsSecretOnce()
    {
        var lost = new LoseFirstAnswer(nameof(IApiKeyGrain.CreateOnce));
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.AddSingleton<IOutgoingGrainCallFilter>(lost));
        var admin = app.Start();
        await County.Create(admin);

        var response = await admin.PostJson("/api/v1/keys", KeyJson("乡镇APP"), "township-app-1");

        Assert.Equal(1, lost.Lost);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        var secret = (await response.Json())["secret"].Str();
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(secret).GetAsync($"/api/v1/grids/{County.Grid}")).StatusCode);
        Assert.Single((await admin.GetJson("/api/v1/keys?limit=200"))["items"]!.AsArray(), k => k!["app"].Str() == "乡镇APP");
    }

    [Fact]
    public async Task Keys_ArePagedByCursor_AndEveryKeyIsListedOnce_EvenWhenKeysAreCreatedBetweenPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await fixture.CreateKey("reader", County.Village);
        }
        var total = (await fixture.Admin.GetJson("/api/v1/keys"))["total"]!.GetValue<int>();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await fixture.Admin.GetJson("/api/v1/keys?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(k => k!["id"].Str()));
            cursor = page["nextCursor"]?.GetValue<string>();
            if (pages++ == 0)
            {
                await fixture.CreateKey("reader", County.Village); // lands anywhere in the order of ids
            }
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.InRange(seen.Count, total, total + 1);
        Assert.Equal(pages, (seen.Count + 1) / 2);
        Assert.Equal(total + 1, (await fixture.Admin.GetJson("/api/v1/keys"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/v1/keys?limit=0", "limit", "from 1 to 200")]
    [InlineData("/api/v1/keys?limit=201", "limit", "from 1 to 200")]
    [InlineData("/api/v1/keys?cursor=not-a-cursor", "cursor", "nextCursor")]
    [InlineData("/api/v1/audit?county=340822&date=2026-03-02&limit=201", "limit", "from 1 to 200")]
    [InlineData("/api/v1/audit?county=340822&date=2026-03-02&cursor=-1", "cursor", "nextCursor")]
    public async Task Lists_BadCursorOrLimit_Is400NamingIt(string url, string field, string rule)
    {
        await (await fixture.Admin.GetAsync(url)).AssertInvalid(field, rule);
    }

    [Fact]
    public async Task TheAuditLog_IsPagedByCursor_OldestFirst_WithEveryReadOnce()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        var handlerKey = (await (await admin.PostJson("/api/v1/keys", KeyJson("handler-app", County.Code, "handler"))).Json())["secret"].Str();
        var handler = app.ClientWith(handlerKey);
        var issues = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await Issues.IssueApi.Report(admin, County.Grid, title: $"纠纷{i}");
            await handler.GetJson($"/api/v1/issues/{id}"); // an unmasked read of the reporter: audited
            issues.Add(id);
        }

        var all = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");
        var total = all["total"]!.GetValue<int>();
        Assert.Equal(total, all["items"]!.AsArray().Count);
        Assert.Null(all["nextCursor"]?.GetValue<string>());

        var entries = new List<(string Key, string What)>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(total, page["total"]!.GetValue<int>());
            var items = page["items"]!.AsArray();
            sizes.Add(items.Count);
            entries.AddRange(items.Select(e => (e!["keyId"].Str(), e["what"].Str())));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.True(total >= 5, $"{total} entries");
        Assert.All(sizes[..^1], n => Assert.Equal(2, n));
        Assert.Equal(total, entries.Count);
        Assert.Equal(all["items"]!.AsArray().Select(e => (e!["keyId"].Str(), e["what"].Str())), entries);
        Assert.Equal(issues.Select(id => $"issue {id} reporter"), entries.Where(e => e.Key == handlerKey.Split('.')[1]).Select(e => e.What));
    }

    private async Task<JsonArray> AllKeys() => (await fixture.Admin.GetJson("/api/v1/keys?limit=200"))["items"]!.AsArray();

    /// <summary>Lets the first call of a method reach its grain, then loses the answer as a silo that vanished would.</summary>
    private sealed class LoseFirstAnswer(string method) : IOutgoingGrainCallFilter
    {
        private int _lost;

        public int Lost => _lost;

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            if (context.MethodName == method && Interlocked.Exchange(ref _lost, 1) == 0)
            {
                throw new SiloUnavailableException("the silo holding the key vanished before it answered");
            }
        }
    }
}
