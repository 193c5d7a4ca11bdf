using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.OpenApi;

public sealed class OpenApiFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public JsonNode Document { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var client = App.Start();
        Document = await client.GetJson("/openapi/v1.json");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>What every integrator relies on in the OpenAPI document, checked for every operation there is.</summary>
public sealed partial class OpenApiDocumentTests(OpenApiFixture fixture) : IClassFixture<OpenApiFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private IEnumerable<(string Name, string Method, JsonObject Operation)> Operations() =>
        from path in fixture.Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select ($"{method.Key.ToUpperInvariant()} {path.Key}", method.Key, method.Value!.AsObject());

    [Fact]
    public void EveryOperation_HasASummary_AChineseTermInItsDescription_AndAnExample()
    {
        var operations = Operations().ToArray();
        Assert.True(operations.Length > 50, $"only {operations.Length} operations");
        var missing = new List<string>();
        foreach (var (name, _, operation) in operations)
        {
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()))
            {
                missing.Add($"{name}: no summary");
            }
            if (operation["description"]?.GetValue<string>() is not { } description || !Han().IsMatch(description))
            {
                missing.Add($"{name}: no Chinese term in the description");
            }
            if (!HasExample(operation))
            {
                missing.Add($"{name}: no example");
            }
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void EveryPostThatCreates_DocumentsIdempotencyKey()
    {
        var creating = Operations().Where(o => o.Method == "post" && o.Operation["responses"]?["201"] is not null).ToArray();
        Assert.Contains(creating, o => o.Name == "POST /api/v1/grids/{code}/issues");
        Assert.Contains(creating, o => o.Name == "POST /open311/v2/requests.{format}");
        Assert.Contains(creating, o => o.Name == "POST /api/v1/keys");
        var without = creating
            .Where(o => o.Operation["parameters"]?.AsArray().Any(p => p!["name"]?.GetValue<string>() == "Idempotency-Key" && p["in"]?.GetValue<string>() == "header") != true)
            .Select(o => o.Name).ToArray();
        Assert.True(without.Length == 0, "no Idempotency-Key: " + string.Join(", ", without));
    }

    [Theory]
    [InlineData("PUT /api/v1/members/{id}")]
    [InlineData("PUT /api/v1/members/{id}/post")]
    [InlineData("DELETE /api/v1/members/{id}/post")]
    [InlineData("PUT /api/v1/grids/{code}/households/{id}")]
    public void ChangesToSomethingThatExists_DocumentOkNotCreated(string name)
    {
        var responses = Assert.Single(Operations(), o => o.Name == name).Operation["responses"]!;
        Assert.NotNull(responses["200"]);
        Assert.Null(responses["201"]);
    }

    /// <summary>
    /// Lists the API has not paged: the pairing suggestions take <c>limit</c> as the number of members suggested for
    /// each household (1 to 10, default 3), which a page size of the same name would change under existing callers.
    /// </summary>
    private static readonly string[] NotPaged = ["GetPairingSuggestions"];

    [Fact]
    public void EveryList_TakesCursorAndLimit()
    {
        var lists = Operations()
            .Where(o => o.Method == "get" && IsList(o.Operation["responses"]?["200"]?["content"]?["application/json"]?["schema"]))
            .ToArray();
        Assert.True(lists.Length > 25, $"only {lists.Length} lists");
        Assert.Contains(lists, o => o.Name == "GET /api/v1/keys");
        Assert.Contains(lists, o => o.Name == "GET /api/v1/audit");
        var unpaged = lists
            .Where(o => !NotPaged.Contains(o.Operation["operationId"]?.GetValue<string>()))
            .Where(o => !new[] { "cursor", "limit" }.All(name =>
                o.Operation["parameters"]?.AsArray().Any(p => p!["name"]?.GetValue<string>() == name && p["in"]?.GetValue<string>() == "query") == true))
            .Select(o => o.Name).ToArray();
        Assert.True(unpaged.Length == 0, "no cursor and limit: " + string.Join(", ", unpaged));
    }

    /// <summary>A list answers <c>{items, nextCursor, total}</c> (ListResponse).</summary>
    private bool IsList(JsonNode? schema)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = fixture.Document["components"]!["schemas"]![reference.Split('/')[^1]];
        }
        var properties = schema?["properties"]?.AsObject();
        return properties is not null && properties.ContainsKey("items") && properties.ContainsKey("nextCursor");
    }

    [Fact]
    public void TheExamples_ReadLikeRealRequests()
    {
        var report = fixture.Document["paths"]!["/api/v1/grids/{code}/issues"]!["post"]!;
        var example = report["requestBody"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal("neighbour-dispute", example["category"]!.GetValue<string>());
        Assert.Equal(30.41, example["location"]!["lat"]!.GetValue<double>());
        var import = fixture.Document["paths"]!["/api/v1/import/cadres"]!["post"]!["requestBody"]!["content"]!["text/csv"]!["example"]!.GetValue<string>();
        Assert.StartsWith("村代码,届次", import);
        var services = fixture.Document["paths"]!["/open311/v2/services.{format}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]![0]!;
        Assert.Equal("neighbour-dispute", services["service_code"]!.GetValue<string>());
    }

    private static bool HasExample(JsonObject operation)
    {
        static bool InContent(JsonNode? content) =>
            content?.AsObject().Any(m => m.Value?["example"] is not null || m.Value?["examples"] is JsonObject { Count: > 0 }) == true;
        return InContent(operation["requestBody"]?["content"])
            || operation["responses"]?.AsObject().Any(r => InContent(r.Value?["content"])) == true
            || operation["parameters"]?.AsArray().Any(p => p?["example"] is not null || p?["examples"] is JsonObject { Count: > 0 }) == true;
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
