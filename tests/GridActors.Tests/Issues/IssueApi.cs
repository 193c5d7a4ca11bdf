using System.Text.Json.Nodes;
using GridActors.Grains.Scheduling;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Issues;

/// <summary>Steps of the issue API as a county's staff would take them.</summary>
internal static class IssueApi
{
    /// <summary>A category with a one-hour deadline at every level, so a test climbs the ladder by moving the clock.</summary>
    public const string Hourly = """{"name":"测试: 每级一小时","deadlines":{"grid":"PT1H","village":"PT1H","township":"PT1H","county":"PT1H"}}""";

    public static async Task<string> Report(HttpClient http, string grid, string category = "neighbour-dispute", string title = "宅基地纠纷", string? key = null)
    {
        var response = await http.PostJson($"/api/v1/grids/{grid}/issues",
            $$"""{"category":"{{category}}","title":"{{title}}","description":"两户因宅基地边界争执","reporter":{"name":"张三","phone":"13800000000"},"by":"网格员"}""", key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, body);
        return JsonNode.Parse(body)!["id"].Str();
    }

    public static async Task<JsonNode> Act(HttpClient http, string id, string action, string json = "{}")
    {
        var response = await http.PostJson($"/api/v1/issues/{id}/{action}", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static Task<JsonNode> Get(HttpClient http, string id) => http.GetJson($"/api/v1/issues/{id}");

    public static Task<JsonNode> WaitUntilHeldBy(HttpClient http, string id, string unit) =>
        Eventually.Get(() => Get(http, id), i => i["holder"]!["code"].Str() == unit, $"issue {id} to be held by {unit}");

    public static async Task<string[]> Queue(HttpClient http, string collection, string code, string query = "") =>
        (await http.GetJson($"/api/v1/{collection}/{code}/issues{query}"))["items"]!.AsArray().Select(i => i!["id"].Str()).ToArray();

    /// <summary>Moves the fake clock and runs the deadline scheduler, as its reminder would.</summary>
    public static async Task Advance(GatewayApp app, TimeSpan by)
    {
        app.Clock.Advance(by);
        await app.Service<IGrainFactory>().GetGrain<IWakeUpDispatcherGrain>(0).RunDue();
    }
}
