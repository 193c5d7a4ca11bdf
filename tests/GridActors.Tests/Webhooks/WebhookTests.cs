using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GridActors.Grains.Scheduling;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Webhooks;

/// <summary>Webhooks end to end: the real gateway sends to a real receiver on loopback; time moves on the fake clock.</summary>
public sealed class WebhookTests(ITestOutputHelper output)
{
    private static GatewayApp App() => GatewayApp.OnSqlite().WithSetting("Webhooks:AllowPrivateAddresses", "true");

    private static async Task<(string Id, string Secret)> Subscribe(HttpClient http, Receiver receiver, string unit, params string[] events)
    {
        var response = await http.PostJson("/api/v1/webhooks",
            new JsonObject { ["unit"] = unit, ["url"] = receiver.Url, ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var created = JsonNode.Parse(body)!;
        receiver.Secret = created["secret"].Str();
        return (created["id"].Str(), receiver.Secret);
    }

    [Fact]
    public async Task AnEvent_ArrivesSigned_WithItsBody_IsListedWithItsAttempt_AndAReplaySendsItAgainWithTheSameId()
    {
        await using var receiver = new Receiver();
        await receiver.Start();
        await using var app = App();
        var http = app.Start();
        await County.Create(http);
        var (id, secret) = await Subscribe(http, receiver, County.Village, "reported", "accepted");
        Assert.StartsWith("whsec_", secret);

        var issue = await Report(http, County.Grid, title: "路灯损坏");
        await Report(http, County.Grid3); // another village: not this subscription's
        await Eventually.Get(() => Task.FromResult(receiver.Unique().Count), n => n == 1, "the report's delivery");
        await Act(http, issue, "accept");
        var both = await Eventually.Get(() => Task.FromResult(receiver.Unique()), a => a.Count == 2, "the acceptance's delivery");

        Assert.Empty(receiver.Forged);
        var first = both[0].Body;
        Assert.Equal(("reported", issue, County.Grid, "grid", "路灯损坏", id), (first["kind"].Str(), first["issueId"].Str(), first["unit"].Str(), first["level"].Str(), first["title"].Str(), first["subscriptionId"].Str()));
        Assert.Equal(both[0].Id, first["id"].Str());
        Assert.Equal(("accepted", "accepted"), (both[1].Kind, both[1].Body["status"].Str()));
        Assert.True(both[1].Version > both[0].Version);
        Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeSeconds(), both[1].Timestamp);

        var shown = await http.GetJson($"/api/v1/webhooks/{id}");
        Assert.Equal(("active", 0, County.Village), (shown["status"].Str(), shown["pending"]!.GetValue<int>(), shown["unit"].Str()));
        Assert.Null(shown["secret"]);
        var deliveries = (await http.GetJson($"/api/v1/webhooks/{id}/deliveries"))["items"]!.AsArray();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(("delivered", 1, 204), (d!["status"].Str(), d["attemptCount"]!.GetValue<int>(), d["attempts"]![0]!["statusCode"]!.GetValue<int>())));

        var replay = await http.PostJson($"/api/v1/webhooks/{id}/replay", """{"from":"2026-03-01T00:00:00Z","to":"2026-03-03T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(2, (await replay.Json())["queued"]!.GetValue<int>());
        await Eventually.Get(() => Task.FromResult(receiver.Arrivals.Count), n => n == 4, "the replayed deliveries");
        Assert.Equal(both.Select(a => a.Id).Order(), receiver.Arrivals.Skip(2).Select(a => a.Id).Order());
        Assert.Empty(receiver.Forged);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/webhooks/{id}")).StatusCode);
        await Report(http, County.Grid);
        await Task.Delay(500);
        Assert.Equal(4, receiver.Arrivals.Count);
    }

    [Fact]
    public async Task ABurstOf300Reports_AndTheirAcceptances_IsSeenOnceEach_InOrderPerIssue()
    {
        await using var receiver = new Receiver();
        await receiver.Start();
        await using var app = App();
        var http = app.Start();
        await County.Create(http);
        await Subscribe(http, receiver, County.Code, "reported", "accepted");

        var grids = new[] { County.Grid, County.Grid2, County.Grid3 };
        var issues = await Burst(http, 300, i => grids[i % 3]);
        var accepted = issues.Take(100).ToArray();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (issue, _) => await Act(http, issue, "accept"));

        var unique = await Eventually.Get(() => Task.FromResult(receiver.Unique()), a => a.Count >= 400, "400 deliveries", seconds: 60);
        Assert.Equal(400, unique.Count);
        Assert.Empty(receiver.Forged);
        Assert.Equal(400, unique.Select(a => (a.IssueId, a.Version)).Distinct().Count());
        Assert.Equal(issues.Order(), unique.Where(a => a.Kind == "reported").Select(a => a.IssueId).Order());
        foreach (var issue in accepted)
        {
            var seen = unique.Where(a => a.IssueId == issue).ToArray();
            Assert.Equal(["reported", "accepted"], seen.Select(a => a.Kind));
            Assert.True(seen[0].Version < seen[1].Version);
        }
        output.WriteLine($"requests {receiver.Requests}, arrivals {receiver.Arrivals.Count}, unique {unique.Count}");
    }

    [Fact]
    public async Task AReceiverDownTenMinutes_ThroughABurstOf1000Reports_GetsEveryOneOnceItIsBack()
    {
        var receiver = new Receiver();
        await using var app = App();
        var http = app.Start();
        await County.Create(http);
        var (id, _) = await Subscribe(http, receiver, County.Code, "reported");
        var started = DateTime.UtcNow;

        var issues = await Burst(http, 1000, i => i % 2 == 0 ? County.Grid : County.Grid3);
        output.WriteLine($"1,000 reports in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        await Eventually.Get(() => http.GetJson($"/api/v1/webhooks/{id}"), s => s["pending"]!.GetValue<int>() == 1000, "1,000 pending deliveries", seconds: 60);
        for (var minute = 0; minute < 10; minute++)
        {
            await Advance(app, TimeSpan.FromMinutes(1));
        }
        // The sender works through the 1,000 in the background, 16 issues at a time: wait until the listed one was tried.
        var failed = (await Eventually.Get(() => http.GetJson($"/api/v1/webhooks/{id}/deliveries?limit=1"),
            d => d["items"]![0]!["attemptCount"]!.GetValue<int>() >= 1, "a delivery tried while the receiver is down", seconds: 60))["items"]![0]!;
        Assert.Equal("pending", failed["status"].Str());
        Assert.Null(failed["attempts"]![0]!["statusCode"]);

        await receiver.Start();
        try
        {
            var until = DateTime.UtcNow.AddSeconds(90);
            while (receiver.Unique().Count < 1000 && DateTime.UtcNow < until)
            {
                await Advance(app, TimeSpan.FromMinutes(5));
                await Task.Delay(200);
            }
            var unique = receiver.Unique();
            Assert.Equal(1000, unique.Count);
            Assert.Empty(receiver.Forged);
            Assert.Equal(issues.Order(), unique.Select(a => a.IssueId).Order());
            var shown = await Eventually.Get(() => http.GetJson($"/api/v1/webhooks/{id}"), s => s["pending"]!.GetValue<int>() == 0, "nothing pending");
            Assert.Equal("active", shown["status"].Str());
            output.WriteLine($"all delivered {(DateTime.UtcNow - started).TotalSeconds:F1} s after the burst began; {receiver.Requests} requests for {unique.Count} deliveries");
        }
        finally
        {
            await receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task DeliveriesOwedWhenTheGatewayStops_AreSentAfterItRestarts()
    {
        await using var receiver = new Receiver();
        var app = App();
        var http = app.Start();
        await County.Create(http);
        var (id, _) = await Subscribe(http, receiver, County.Code, "reported");
        var issues = await Burst(http, 50, i => County.Grid2);
        await Eventually.Get(() => http.GetJson($"/api/v1/webhooks/{id}"), s => s["pending"]!.GetValue<int>() == 50, "50 pending deliveries");
        await app.DisposeAsync();

        await receiver.Start();
        await using var restarted = app.Restarted();
        http = restarted.Start();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (receiver.Unique().Count < 50 && DateTime.UtcNow < until)
        {
            await Advance(restarted, TimeSpan.FromMinutes(2));
            await Task.Delay(200);
        }
        Assert.Equal(issues.Order(), receiver.Unique().Select(a => a.IssueId).Order());
        Assert.Empty(receiver.Forged);
    }

    [Fact]
    public async Task ASubscriptionFailingForADay_IsPaused_ItsOwnerToldInTheAuditLog_AndResumedItDelivers()
    {
        await using var receiver = new Receiver { Failing = true };
        await receiver.Start();
        await using var app = App();
        var http = app.Start();
        await County.Create(http);
        var (id, _) = await Subscribe(http, receiver, County.Grid, "reported");
        var issue = await Report(http, County.Grid);
        await Eventually.Get(() => Task.FromResult(receiver.Requests), n => n >= 1, "the first attempt");
        var failing = await Eventually.Get(() => http.GetJson($"/api/v1/webhooks/{id}"), s => s["failingSince"] is not null, "failingSince");
        Assert.Equal("active", failing["status"].Str());

        // Retried for a day: still active after 23 hours, paused once an attempt fails past 24.
        for (var hour = 0; hour < 23; hour++)
        {
            await Advance(app, TimeSpan.FromHours(1));
        }
        var attemptsAfter23h = receiver.Requests;
        Assert.Equal("active", (await http.GetJson($"/api/v1/webhooks/{id}"))["status"].Str());
        Assert.True(attemptsAfter23h >= 8, $"{attemptsAfter23h} attempts in 23 h");
        JsonNode paused = null!;
        for (var hour = 0; hour < 12 && paused is null; hour++)
        {
            await Advance(app, TimeSpan.FromHours(1));
            var shown = await http.GetJson($"/api/v1/webhooks/{id}");
            paused = shown["status"].Str() == "paused" ? shown : null!;
        }
        Assert.NotNull(paused);
        Assert.Contains("every delivery failed", paused["pausedReason"].Str());
        var requestsWhenPaused = receiver.Requests;
        await Advance(app, TimeSpan.FromHours(10));
        Assert.Equal(requestsWhenPaused, receiver.Requests);

        var day = DateTimeOffset.Parse(paused["pausedAt"].Str(), CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var audit = await http.GetJson($"/api/v1/audit?county={County.Code}&date={day}");
        Assert.Contains(audit["items"]!.AsArray(), e => e!["what"].Str().Contains($"webhook {id} paused") && e["unit"].Str() == County.Grid);

        receiver.Failing = false;
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync($"/api/v1/webhooks/{id}/resume", null)).StatusCode);
        Assert.Equal("active", (await http.GetJson($"/api/v1/webhooks/{id}"))["status"].Str());
        var arrived = await Eventually.Get(() => Task.FromResult(receiver.Unique()), a => a.Count == 1, "the delivery after resuming");
        Assert.Equal(issue, arrived[0].IssueId);
    }

    /// <summary>One gateway for every case: starting one costs seconds, and nothing a refused request does may stay.</summary>
    [Fact]
    public async Task ABadSubscription_IsRefused_NamingTheField_AndNothingIsStored()
    {
        (string Json, string Field)[] cases =
        [
            ("""{"unit":"340822100201","url":"ftp://hooks.example.org/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"hooks.example.org/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"http://127.0.0.1:8080/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"http://10.1.2.3/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"http://169.254.169.254/latest/meta-data","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"http://[::1]/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"http://localhost:5000/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"https://user:pw@hooks.example.org/x","events":["reported"]}""", "url"),
            ("""{"unit":"340822100201","url":"https://203.0.113.9/x","events":["exploded"]}""", "events[0]"),
            ("""{"unit":"340822100201","url":"https://203.0.113.9/x","events":[]}""", "events"),
            ("""{"unit":"3408","url":"https://203.0.113.9/x","events":["reported"]}""", "unit"),
            ("""{"unit":"abc","url":"https://203.0.113.9/x","events":["reported"]}""", "unit"),
        ];
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        foreach (var (json, field) in cases)
        {
            var answer = await http.PostJson("/api/v1/webhooks", json);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{json}: {(int)answer.StatusCode}");
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            var errors = (await answer.Json())["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(field), $"{json}: {errors.ToJsonString()}");
        }
        Assert.Empty((await http.GetJson($"/api/v1/webhooks?county={County.Code}"))["items"]!.AsArray());
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKey_AnswersTheFirstSubscription_WithoutItsSecret_AndAnotherBodyIs422()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        const string json = """{"unit":"340822100201","url":"https://203.0.113.9/x","events":["reported"]}""";
        var first = await http.PostJson("/api/v1/webhooks", json, "hook-1");
        var again = await http.PostJson("/api/v1/webhooks", json, "hook-1");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, again.StatusCode));
        var (a, b) = (await first.Json(), await again.Json());
        Assert.Equal(a["id"].Str(), b["id"].Str());
        Assert.StartsWith("whsec_", a["secret"].Str());
        Assert.Null(b["secret"]);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        var other = await http.PostJson("/api/v1/webhooks", json.Replace("reported", "closed"), "hook-1");
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Single((await http.GetJson($"/api/v1/webhooks?county={County.Code}"))["items"]!.AsArray());
    }

    [Fact]
    public async Task AUnitOutsideTheKeysJurisdiction_Is403_AndAnotherCountysSubscription_Is404()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var created = await (await http.PostJson("/api/v1/webhooks", """{"unit":"340822100201","url":"https://203.0.113.9/x","events":["overdue"]}""")).Json();
        var key = (await (await http.PostJson("/api/v1/keys", """{"app":"other","jurisdiction":"340823","roles":["manager"]}""")).Json())["secret"].Str();
        var other = app.ClientWith(key);

        var outside = await other.PostJson("/api/v1/webhooks", """{"unit":"340822100201","url":"https://203.0.113.9/x","events":["reported"]}""");
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Contains("unit", await outside.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/webhooks/{created["id"].Str()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/webhooks/{created["id"].Str()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/webhooks?county={County.Code}")).StatusCode);
        Assert.Single((await http.GetJson($"/api/v1/webhooks?county={County.Code}"))["items"]!.AsArray());
    }

    private static async Task<string[]> Burst(HttpClient http, int count, Func<int, string> grid)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => ids[i] = await Report(http, grid(i), title: $"突发 {i}"));
        return ids;
    }
}
