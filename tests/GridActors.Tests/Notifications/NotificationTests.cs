using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Tests.Console;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Notifications;

/// <summary>
/// Notifications end to end: the real gateway sends to real receivers on this machine (an HTTP SMS gateway stand-in and
/// an SMTP server), never to a mock of the sending code.
/// </summary>
public sealed class NotificationTests
{
    private const string LeaderPhone = "13955612345";
    private const string ReporterPhone = "13712349876";

    [Fact]
    public async Task AGridLeader_GetsAnSmsWithinAMinuteOfAReport_TheReporterGetsResolved_AndNoPhoneNumberReachesTheLog()
    {
        await using var sms = await SmsGatewayStandIn.Start();
        var log = new CapturedLog();
        await using var app = sms.Configure(GatewayApp.OnSqlite()).WithTestServices(s => s.AddSingleton<ILoggerProvider>(log));
        var http = app.Start();
        await County.Create(http);
        await Ok(http.PutJson($"/api/v1/grids/{County.Grid}/leader", $$"""{"name":"董明","phone":"{{LeaderPhone}}"}"""));

        var reported = Stopwatch.StartNew();
        var id = await ReportWithReporter(http, "路灯损坏");
        var toLeader = await sms.WaitFor(m => m.Phone == LeaderPhone, TimeSpan.FromMinutes(1));
        Assert.True(reported.Elapsed < TimeSpan.FromMinutes(1), $"the leader's SMS took {reported.Elapsed}");
        Assert.Contains("路灯损坏", toLeader.Text);
        Assert.Equal("provider-secret", toLeader.ApiKey);
        await sms.WaitFor(m => m.Phone == ReporterPhone && m.Text.Contains("已收到"), TimeSpan.FromSeconds(30));

        await Act(http, id, "accept");
        await Act(http, id, "resolve", """{"note":"已更换灯泡"}""");
        var resolved = await sms.WaitFor(m => m.Phone == ReporterPhone && m.Text.Contains("已办结"), TimeSpan.FromSeconds(30));
        Assert.Contains("路灯损坏", resolved.Text);

        // On the issue: each notification with its state; a handler of the county (here the bootstrap key, which holds
        // every role) sees the numbers, a reader sees them masked, as each sees the issue's reporter.
        var items = await Eventually.Get(() => http.GetJson($"/api/v1/issues/{id}/notifications"),
            n => n["items"]!.AsArray().Count(i => i!["state"].Str() == "sent") == 4, "four notifications sent");
        var all = items["items"]!.AsArray().Select(i => i!).ToArray();
        Assert.Equal(["accepted", "received", "reported", "resolved"], all.Select(i => i["kind"].Str()).Order());
        var leader = all.Single(i => i["kind"].Str() == "reported");
        Assert.Equal(("sms", "gridLeader", "董明", LeaderPhone, 1), (leader["channel"].Str(), leader["role"].Str(), leader["name"].Str(), leader["address"].Str(), leader["attempts"]!.GetValue<int>()));
        var reader = app.ClientWith(await ReaderKey(http));
        var masked = (await reader.GetJson($"/api/v1/issues/{id}/notifications"))["items"]!.AsArray().Select(i => i!).ToArray();
        Assert.Equal("139****2345", masked.Single(i => i["kind"].Str() == "reported")["address"].Str());
        Assert.Equal(("137****9876", "张*"), (masked.Single(i => i["kind"].Str() == "resolved")["address"].Str(), masked.Single(i => i["kind"].Str() == "resolved")["name"].Str()));
        Assert.Equal(4, sms.Received.Count);

        var lines = log.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("Notification Reported by Sms", StringComparison.Ordinal));
        foreach (var digits in new[] { LeaderPhone, ReporterPhone, LeaderPhone[3..], ReporterPhone[3..] })
        {
            Assert.DoesNotContain(lines, l => l.Contains(digits, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AGatewayAnswering503_IsTriedAgainWithBackoff_AndTheNotificationRecordsItsAttempts()
    {
        await using var sms = await SmsGatewayStandIn.Start(failFirst: 2);
        await using var app = sms.Configure(GatewayApp.OnSqlite()).WithSetting("Notifications:FirstRetryDelay", "00:00:00.300");
        var http = app.Start();
        await County.Create(http);
        await Ok(http.PutJson($"/api/v1/grids/{County.Grid}/leader", $$"""{"name":"董明","phone":"{{LeaderPhone}}"}"""));

        var answered = Stopwatch.StartNew();
        var made = await http.PostJson($"/api/v1/grids/{County.Grid}/issues", """{"category":"neighbour-dispute","title":"邻里纠纷"}""");
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.True(answered.Elapsed < TimeSpan.FromSeconds(20), "the report does not wait for the provider");
        var id = (await made.Json())["id"].Str();

        var sent = await Eventually.Get(() => http.GetJson($"/api/v1/issues/{id}/notifications"),
            n => n["items"]!.AsArray().Any(i => i!["state"].Str() == "sent"), "the leader's SMS sent after two 503s");
        var leader = sent["items"]!.AsArray().Single()!;
        Assert.Equal(3, leader["attempts"]!.GetValue<int>());
        Assert.Null(leader["error"]);
        Assert.Equal(3, sms.Requests);
        Assert.Single(sms.Received);
    }

    [Fact]
    public async Task InQuietHours_AnSms_IsHeld_AndSentWhenTheyEnd()
    {
        await using var sms = await SmsGatewayStandIn.Start();
        var clock = GatewayApp.NewClock();
        clock.Advance(TimeSpan.FromHours(14.5)); // 23:30 in China
        await using var app = sms.Configure(GatewayApp.OnSqlite(clock));
        var http = app.Start();
        await County.Create(http);
        await Ok(http.PutJson($"/api/v1/grids/{County.Grid}/leader", $$"""{"name":"董明","phone":"{{LeaderPhone}}"}"""));

        var id = await ReportWithReporter(http, "深夜噪音");
        var held = await Eventually.Get(() => http.GetJson($"/api/v1/issues/{id}/notifications"),
            n => n["items"]!.AsArray().Count(i => i!["state"].Str() == "held") == 2, "both SMS held");
        Assert.All(held["items"]!.AsArray(), i => Assert.Equal("2026-03-02T23:00:00+00:00", i!["nextAttemptAt"].Str()));
        await Task.Delay(500);
        Assert.Empty(sms.Received);

        await Advance(app, TimeSpan.FromHours(7.5)); // 07:00 in China
        await sms.WaitFor(m => m.Phone == LeaderPhone, TimeSpan.FromSeconds(30));
        await sms.WaitFor(m => m.Phone == ReporterPhone, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ADeadlineApproaching_IsToldToTheGridLeader_TwoHoursBefore()
    {
        await using var sms = await SmsGatewayStandIn.Start();
        await using var app = sms.Configure(GatewayApp.OnSqlite());
        var http = app.Start();
        await County.Create(http);
        await Ok(http.PutJson($"/api/v1/counties/{County.Code}/categories/three-hours",
            """{"name":"测试: 每级三小时","deadlines":{"grid":"PT3H","village":"PT3H","township":"PT3H","county":"PT3H"}}"""));
        await Ok(http.PutJson($"/api/v1/grids/{County.Grid}/leader", $$"""{"name":"董明","phone":"{{LeaderPhone}}"}"""));
        var id = await Report(http, County.Grid, "three-hours", "井盖缺失");
        await sms.WaitFor(m => m.Text.Contains("网格新事件"), TimeSpan.FromSeconds(30));

        await Advance(app, TimeSpan.FromMinutes(50));
        await Task.Delay(500);
        Assert.DoesNotContain(sms.Received, m => m.Text.Contains("即将超期"));
        await Advance(app, TimeSpan.FromMinutes(12));
        var warning = await sms.WaitFor(m => m.Text.Contains("即将超期"), TimeSpan.FromSeconds(30));
        Assert.Equal(LeaderPhone, warning.Phone);
        Assert.Contains("井盖缺失", warning.Text);
        var kinds = (await http.GetJson($"/api/v1/issues/{id}/notifications"))["items"]!.AsArray().Select(i => i!["kind"].Str()).ToArray();
        Assert.Single(kinds, "deadlineApproaching");
    }

    [Fact]
    public async Task AnEscalation_ReachesTheVillagesStaff_ByEmailAndInTheirInbox_AsTheirSettingsSay()
    {
        using var smtp = SmtpStandIn.Start();
        await using var app = smtp.Configure(GatewayApp.OnSqlite());
        var http = app.Start();
        await County.Create(http);
        await Ok(http.PostJson("/api/v1/staff",
            $$"""{"username":"village.handler","displayName":"董村干","password":"village-password-1","jurisdiction":"{{County.Village}}","roles":["reader","handler"]}"""));
        await Ok(http.PostJson("/api/v1/staff",
            $$"""{"username":"village.quiet","displayName":"汪村干","password":"village-password-2","jurisdiction":"{{County.Village}}","roles":["reader","handler"]}"""));
        using var handler = new ConsoleSession(app);
        Assert.Equal("/console", (await handler.SignIn("village.handler", "village-password-1")).Headers.Location!.ToString());
        await Ok(Send(handler, HttpMethod.Put, "/api/v1/me/notification-settings", """{"email":"dong@example.org","phone":null}"""));
        using var quiet = new ConsoleSession(app);
        Assert.Equal("/console", (await quiet.SignIn("village.quiet", "village-password-2")).Headers.Location!.ToString());
        await Ok(Send(quiet, HttpMethod.Put, "/api/v1/me/notification-settings", """{"email":"wang@example.org","channels":{"Escalated":[]}}"""));

        var id = await Report(http, County.Grid, title: "两组用水纠纷");
        await Act(http, id, "escalate", """{"note":"涉及两个村民小组"}""");

        var mail = await smtp.WaitFor(m => m.To.Mailboxes.Any(a => a.Address == "dong@example.org"), TimeSpan.FromSeconds(30));
        Assert.Contains("两组用水纠纷", mail.TextBody);
        var inbox = await Eventually.Get(() => handler.Http.GetJson("/api/v1/me/notifications"), i => i["unread"]!.GetValue<int>() == 1, "one unread item");
        Assert.Equal(("escalated", id), (inbox["items"]![0]!["kind"].Str(), inbox["items"]![0]!["issueId"].Str()));
        var marked = await (await Send(handler, HttpMethod.Post, "/api/v1/me/notifications/read", null)).Json();
        Assert.Equal(1, marked["marked"]!.GetValue<int>());
        Assert.Equal(0, (await handler.Http.GetJson("/api/v1/me/notifications"))["unread"]!.GetValue<int>());

        // The one who opted out of escalations: recorded as skipped, nothing in the mail or the inbox.
        var items = (await http.GetJson($"/api/v1/issues/{id}/notifications"))["items"]!.AsArray().Select(i => i!).ToArray();
        var skipped = items.Single(i => i["name"].Str() == "汪村干");
        Assert.Equal(("skipped", "opted out of this kind"), (skipped["state"].Str(), skipped["error"].Str()));
        Assert.DoesNotContain(smtp.Received, m => m.To.Mailboxes.Any(a => a.Address == "wang@example.org"));
        Assert.Empty((await quiet.Http.GetJson("/api/v1/me/notifications"))["items"]!.AsArray());
        Assert.Equal("dong@example.org", items.Single(i => i["channel"].Str() == "email")["address"].Str());
        var reader = app.ClientWith(await ReaderKey(http));
        Assert.Equal("***", (await reader.GetJson($"/api/v1/issues/{id}/notifications"))["items"]!.AsArray().Single(i => i!["channel"].Str() == "email")!["address"].Str());
    }

    [Theory]
    [InlineData("""{"email":"not-an-address"}""", "email", "email address")]
    [InlineData("""{"phone":"call me"}""", "phone", "digits")]
    [InlineData("""{"channels":{"resolved":["sms"]}}""", "channels.resolved", "must be one of")]
    [InlineData("""{"channels":{"reported":["pigeon"]}}""", "channels.reported", "must be one of")]
    public async Task BadSettings_AreRefused_NamingTheField_AndNothingIsStored(string body, string field, string rule)
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await (await http.PutJson("/api/v1/me/notification-settings", body)).AssertInvalid(field, rule);
        var stored = await http.GetJson("/api/v1/me/notification-settings");
        Assert.Null(stored["email"]);
        Assert.Null(stored["phone"]);
        Assert.Empty(stored["channels"]!.AsObject());
    }

    private static async Task<string> ReportWithReporter(HttpClient http, string title)
    {
        var response = await http.PostJson($"/api/v1/grids/{County.Grid}/issues",
            $$$"""{"category":"neighbour-dispute","title":"{{{title}}}","reporter":{"name":"张三","phone":"{{{ReporterPhone}}}"}}""");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"].Str();
    }

    private static async Task<string> ReaderKey(HttpClient admin)
    {
        var response = await admin.PostJson("/api/v1/keys", $$"""{"app":"看板","jurisdiction":"{{County.Code}}","roles":["reader"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    private static async Task<HttpResponseMessage> Send(ConsoleSession session, HttpMethod method, string url, string? json)
    {
        var request = new HttpRequestMessage(method, url) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Antiforgery-Token", await session.FormToken("/console/units"));
        return await session.Http.SendAsync(request);
    }

    private static async Task Ok(Task<HttpResponseMessage> call) => await Ok(await call);

    private static async Task Ok(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
