using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridActors.Tests.Infrastructure;
using Microsoft.OpenApi;
using Xunit.Abstractions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// The document is what generated clients and the /docs page are built from: it must be valid OpenAPI 3.1, say how to
/// authenticate, and list every problem answer an operation really gives.
/// </summary>
public sealed partial class OpenApiValidityTests(OpenApiFixture fixture, ITestOutputHelper output) : IClassFixture<OpenApiFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private IEnumerable<(string Name, string Path, JsonObject Operation)> Operations() =>
        from path in fixture.Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select ($"{method.Key.ToUpperInvariant()} {path.Key}", path.Key, method.Value!.AsObject());

    [Fact]
    public void TheDocument_ReadsAsOpenApi31_AndPassesTheValidator()
    {
        var result = OpenApiDocument.Parse(fixture.Document.ToJsonString(), "json");
        Assert.True(result.Diagnostic!.Errors.Count == 0, "read errors:\n" + string.Join('\n', result.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var errors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToArray() ?? [];
        output.WriteLine($"{Operations().Count()} operations validated, {errors.Length} errors");
        Assert.True(errors.Length == 0, "validation errors:\n" + string.Join('\n', errors.Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public void EveryTemplatedPathParameter_IsDeclaredAsARequiredPathParameter()
    {
        var missing = new List<string>();
        foreach (var (name, path, operation) in Operations())
        {
            var declared = (operation["parameters"]?.AsArray() ?? [])
                .Where(p => p!["in"]?.GetValue<string>() == "path" && p["required"]?.GetValue<bool>() == true)
                .Select(p => p!["name"]!.GetValue<string>()).ToHashSet();
            missing.AddRange(Template().Matches(path).Select(m => m.Groups[1].Value).Where(p => !declared.Contains(p)).Select(p => $"{name}: {{{p}}}"));
        }
        Assert.True(missing.Count == 0, "undeclared path parameters:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void KeyedOperations_OfferAnApiKeyOrABearerToken_AndPublicOnesAskForNothing()
    {
        var schemes = fixture.Document["components"]!["securitySchemes"]!;
        Assert.Equal("apiKey", schemes["ApiKey"]!["type"].Str());
        Assert.Equal("header", schemes["ApiKey"]!["in"].Str());
        Assert.Equal("X-Api-Key", schemes["ApiKey"]!["name"].Str());
        Assert.Equal("http", schemes["Bearer"]!["type"].Str());
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"].Str());
        Assert.Equal("JWT", schemes["Bearer"]!["bearerFormat"].Str());
        var wrong = new List<string>();
        var keyed = 0;
        foreach (var (name, path, operation) in Operations())
        {
            var security = operation["security"]?.AsArray() ?? [];
            var alternatives = security.Select(s => string.Join('+', s!.AsObject().Select(p => p.Key))).ToHashSet();
            var anyone = operation["x-gridactors-access"]?.GetValue<string>() == "anyone";
            if (anyone != (path.StartsWith("/open311/", StringComparison.Ordinal) || path.StartsWith("/public/", StringComparison.Ordinal)))
            {
                wrong.Add($"{name}: x-gridactors-access {operation["x-gridactors-access"]}");
            }
            if (anyone && security.Count > 0)
            {
                wrong.Add($"{name}: public, yet asks for {string.Join(" or ", alternatives)}");
            }
            if (!anyone)
            {
                keyed++;
                if (!alternatives.SetEquals(["ApiKey", "Bearer"]))
                {
                    wrong.Add($"{name}: asks for [{string.Join(" or ", alternatives)}], not ApiKey or Bearer");
                }
            }
        }
        Assert.True(keyed > 100, $"only {keyed} keyed operations");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void EveryOperation_DeclaresTheProblemAnswersOfItsKeyRouteAndHeaders()
    {
        var missing = new List<string>();
        foreach (var (name, path, operation) in Operations())
        {
            var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => p!["name"]!.GetValue<string>()).ToArray();
            var expected = new SortedSet<int> { 429, 503 };
            if (operation["x-gridactors-access"]?.GetValue<string>() != "anyone")
            {
                expected.UnionWith([401, 403]);
            }
            if (Template().Matches(path).Any(m => m.Groups[1].Value != "format"))
            {
                expected.Add(404);
            }
            if (parameters.Length > 0 || operation["requestBody"] is not null)
            {
                expected.Add(400);
            }
            if (parameters.Contains("Idempotency-Key"))
            {
                expected.Add(422);
            }
            if (parameters.Contains("If-Match"))
            {
                expected.Add(412);
            }
            // Open311 gives its own errors ([{code, description}], in JSON or XML) where the access layer has not answered.
            var ownErrors = path.StartsWith("/open311/", StringComparison.Ordinal);
            foreach (var status in expected)
            {
                var content = operation["responses"]?[status.ToString()]?["content"];
                if (content?["application/problem+json"]?["schema"] is null && !(ownErrors && status is 400 or 404 && content?["application/json"] is not null))
                {
                    missing.Add($"{name}: {status}");
                }
            }
        }
        Assert.True(missing.Count == 0, "problem answers not declared:\n" + string.Join('\n', missing));
    }

    [Theory]
    [InlineData("PUT /api/v1/grids/{code}", "412")]
    [InlineData("PUT /api/v1/grids/{code}", "409")]
    [InlineData("PUT /api/v1/members/{id}", "412")]
    [InlineData("PUT /api/v1/grids/{code}/households/{id}", "412")]
    [InlineData("PUT /api/v1/grids/{code}/party-group", "412")]
    [InlineData("POST /api/v1/issues/{id}/accept", "409")]
    [InlineData("PUT /api/v1/members/{id}/commitments/{year}", "409")]
    public void WritesThatCheckVersionsOrStates_DeclareTheirRefusals(string name, string status)
    {
        var operation = Assert.Single(Operations(), o => o.Name == name).Operation;
        Assert.NotNull(operation["responses"]![status]);
        if (status == "412")
        {
            Assert.Contains(operation["parameters"]!.AsArray(), p => p!["name"].Str() == "If-Match" && p["in"].Str() == "header");
        }
    }

    [Fact]
    public void Reads_DeclareNoConflict()
    {
        var reads = Operations().Where(o => o.Name.StartsWith("GET ", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(reads, o => o.Operation["responses"]!["409"] is not null || o.Operation["responses"]!["422"] is not null);
    }

    /// <summary>Real refusals, each looked up on the operation that gave it.</summary>
    [Fact]
    public async Task RealRefusals_AreDeclaredOnTheOperationThatGaveThem()
    {
        var admin = fixture.App.ClientWith(GatewayApp.AdminKey);
        await County.Create(admin);
        var created = await admin.PostJson("/api/v1/keys", $$"""{"app":"openapi-test","jurisdiction":"{{County.Code}}","roles":["reader"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reader = fixture.App.ClientWith((await created.Json())["secret"].Str());
        var report = $$"""{"category":"neighbour-dispute","title":"宅基地纠纷","description":"两户因宅基地边界争执","reporter":{"name":"张三","phone":"13800000000"},"by":"网格员"}""";
        var first = await admin.PostJson($"/api/v1/grids/{County.Grid}/issues", report, "openapi-422");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/grids/{County.Grid}") { Content = new StringContent("""{"name":"董屋网格"}""", System.Text.Encoding.UTF8, "application/json") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"999\"");

        var answers = new (string Operation, Task<HttpResponseMessage> Call, int Status)[]
        {
            ($"GET /api/v1/grids/{{code}}", fixture.App.ClientWith(null).GetAsync($"/api/v1/grids/{County.Grid}"), 401),
            ("POST /api/v1/keys", reader.PostJson("/api/v1/keys", """{"app":"x","jurisdiction":"340822","roles":["reader"]}"""), 403),
            ("GET /api/v1/members/{id}", admin.GetAsync($"/api/v1/members/{Guid.NewGuid()}"), 404),
            ("POST /api/v1/grids/{code}/issues", admin.PostJson($"/api/v1/grids/{County.Grid}/issues", report.Replace("宅基地纠纷", "另一件事"), "openapi-422"), 422),
            ("PUT /api/v1/grids/{code}", admin.SendAsync(stale), 412),
            ("PUT /api/v1/grids/{code}", admin.PutJson("/api/v1/grids/340822100299001", """{"name":"无村网格"}"""), 409),
            ("POST /api/v1/grids/{code}/issues", admin.PostJson($"/api/v1/grids/{County.Grid}/issues", """{"title":""}"""), 400),
        };
        foreach (var (operation, call, status) in answers)
        {
            var response = await call;
            await response.AssertProblem(status);
            var declared = Assert.Single(Operations(), o => o.Name == operation).Operation["responses"]![status.ToString()];
            Assert.True(declared?["content"]?["application/problem+json"] is not null, $"{operation} answered {status}, which it does not declare");
        }
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Template();
}
