using System.Text.Json.Nodes;
using GridActors.Gateway.Open311;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Tests.Open311;

/// <summary>The spec's default window of GET /requests (the last 90 days), on an app of its own because it moves the clock.</summary>
public sealed class Open311WindowTests
{
    [Fact]
    public async Task ListRequests_ByDefault_ShowsTheLast90Days()
    {
        await using var app = GatewayApp.OnSqlite().WithTestServices(s => s.PostConfigure<Open311Options>(o => o.RequestListStaleness = TimeSpan.Zero));
        var admin = app.Start();
        await County.Create(admin);
        var reporter = (await (await admin.PostJson("/api/v1/keys", $$"""{"app":"hotline","jurisdiction":"{{County.Code}}","roles":["reporter"]}""")).Json())["secret"].Str();
        var id = await admin.PostOk(new Dictionary<string, string>
        {
            ["api_key"] = reporter,
            ["jurisdiction_id"] = County.Code,
            ["service_code"] = "policy-consultation",
            ["address_string"] = "董屋组",
            ["attribute[grid_code]"] = County.Grid,
            ["description"] = "咨询新农合缴费标准",
        });
        var reportedAt = app.Clock.GetUtcNow();

        Assert.Equal(new[] { id }, await List(app, ""));
        app.Clock.Advance(TimeSpan.FromDays(91));
        Assert.Empty(await List(app, ""));
        Assert.Equal(new[] { id }, await List(app, $"&start_date={reportedAt.AddDays(-1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(new[] { id }, await List(app, $"&end_date={reportedAt.AddDays(1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(new[] { id }, await List(app, $"&service_request_id={id}"));
    }

    [Fact]
    public void TheSchemas_RejectAnAnswerThatBreaksThem()
    {
        // The validator itself must be able to fail: lat as a string, an unknown status, a missing service_code.
        var broken = """[{"service_request_id":"1","status":"pending","requested_datetime":"2026-03-02T09:00:00+08:00","lat":"30.4"}]""";
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid("requests.json", broken));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Open311Schemas.AssertValid("services.json", """[{"service_code":"a","service_name":"b","metadata":"true","type":"realtime"}]"""));
        Open311Schemas.AssertValid("services.json", """[{"service_code":"a","service_name":"b","metadata":true,"type":"realtime"}]""");
    }

    private static async Task<string[]> List(GatewayApp app, string query)
    {
        var (status, body, _) = await app.ClientWith(null).Get($"/requests.json?jurisdiction_id={County.Code}{query}");
        Assert.True(status == 200, body);
        Open311Schemas.AssertValid("requests.json", body);
        return JsonNode.Parse(body)!.AsArray().Select(r => r!["service_request_id"].Str()).ToArray();
    }
}
