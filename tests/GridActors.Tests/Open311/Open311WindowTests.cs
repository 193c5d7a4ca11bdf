using System.Text.Json.Nodes;
using GridActors.Gateway.Open311;
using GridActors.Grains.Infrastructure;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Tests.Open311;

/// <summary>
/// The spec's default window of GET /requests (the last 90 days), on an app of its own because it moves the clock.
/// The clock moves on every read here, as a real one does: a frozen clock reads the same time twice and hides a
/// window computed from two reads.
/// </summary>
public sealed class Open311WindowTests
{
    [Fact]
    public async Task ListRequests_ByDefault_ShowsTheLast90Days_OnAClockThatTicksOnEveryRead()
    {
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.PostConfigure<Open311Options>(o => o.RequestListStaleness = TimeSpan.Zero));
        app.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        var admin = app.Start();
        var id = await Report(app, admin);
        var reportedAt = app.Clock.GetUtcNow();

        Assert.Equal(new[] { id }, await List(app, ""));
        app.Clock.Advance(TimeSpan.FromDays(91));
        Assert.Empty(await List(app, ""));
        Assert.Equal(new[] { id }, await List(app, $"&start_date={reportedAt.AddDays(-1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(new[] { id }, await List(app, $"&end_date={reportedAt.AddDays(1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(new[] { id }, await List(app, $"&service_request_id={id}"));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task ListRequests_WithoutDates_OnTheSystemClock_Answers200WithTheNewRequest(string format)
    {
        await using var app = GatewayApp.OnSqlite().WithTestServices(s =>
        {
            s.PostConfigure<Open311Options>(o => o.RequestListStaleness = TimeSpan.Zero);
            s.AddSingleton(new GridClock(TimeProvider.System));
        });
        var admin = app.Start();
        var id = await Report(app, admin);

        var (status, body, _) = await app.ClientWith(null).Get($"/requests.{format}?jurisdiction_id={County.Code}");

        Assert.True(status == 200, $"GET /requests.{format} without dates: {status} {body}");
        Assert.Contains(id, body);
    }

    private static async Task<string> Report(GatewayApp app, HttpClient admin)
    {
        await County.Create(admin);
        var reporter = (await (await admin.PostJson("/api/v1/keys", $$"""{"app":"hotline","jurisdiction":"{{County.Code}}","roles":["reporter"]}""")).Json())["secret"].Str();
        return await admin.PostOk(new Dictionary<string, string>
        {
            ["api_key"] = reporter,
            ["jurisdiction_id"] = County.Code,
            ["service_code"] = "policy-consultation",
            ["address_string"] = "董屋组",
            ["attribute[grid_code]"] = County.Grid,
            ["description"] = "咨询新农合缴费标准",
        });
    }

    private static async Task<string[]> List(GatewayApp app, string query)
    {
        var (status, body, _) = await app.ClientWith(null).Get($"/requests.json?jurisdiction_id={County.Code}{query}");
        Assert.True(status == 200, body);
        Open311Schemas.AssertValid("requests.json", body);
        return JsonNode.Parse(body)!.AsArray().Select(r => r!["service_request_id"].Str()).ToArray();
    }
}
