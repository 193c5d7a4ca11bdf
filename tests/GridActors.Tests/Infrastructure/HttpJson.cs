using System.Text;
using System.Text.Json.Nodes;

namespace GridActors.Tests.Infrastructure;

/// <summary>Small helpers so API tests read like the requests an integrator sends.</summary>
public static class HttpJson
{
    public static Task<HttpResponseMessage> PutJson(this HttpClient http, string url, string json) =>
        http.PutAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostJson(this HttpClient http, string url, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return http.SendAsync(request);
    }

    public static async Task<JsonNode> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static async Task<JsonNode> GetJson(this HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Asserts a 400 problem+json whose errors name <paramref name="field"/> with a rule containing <paramref name="rule"/>.</summary>
    public static async Task AssertInvalid(this HttpResponseMessage response, string field, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 400, $"expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(body)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors do not name '{field}': {body}");
        Assert.Contains(rule, errors[field]!.AsArray().Select(e => e!.GetValue<string>()).FirstOrDefault(r => r.Contains(rule)) ?? body);
    }

    public static async Task AssertProblem(this HttpResponseMessage response, int status, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, JsonNode.Parse(body)!["detail"]!.GetValue<string>());
        }
    }

    public static string Str(this JsonNode? node) => node!.GetValue<string>();
}
