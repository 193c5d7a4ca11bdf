using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridActors.Gateway.Access;
using GridActors.Grains.Vocabulary;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridActors.Gateway.Hosting;

/// <summary>Endpoint metadata: a write of this endpoint can be refused 409 because of the record's current state.</summary>
public sealed class AnswersConflict
{
    public static readonly AnswersConflict Instance = new();

    private AnswersConflict()
    {
    }
}

/// <summary>Endpoint metadata: the endpoint honours <c>If-Match</c> (an ETag it gave) and answers 412 when it names an older version.</summary>
public sealed class HonoursIfMatch
{
    public static readonly HonoursIfMatch Instance = new();

    private HonoursIfMatch()
    {
    }
}

public static class OpenApiAnswerExtensions
{
    /// <summary>Writes of the endpoint (or of every endpoint of the group) can answer 409 when the record's state forbids them.</summary>
    public static TBuilder AnswersConflict<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Hosting.AnswersConflict.Instance);

    /// <summary>The endpoint checks <c>If-Match</c> against the record's version (412 when older).</summary>
    public static TBuilder HonoursIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Hosting.HonoursIfMatch.Instance);
}

/// <summary>
/// Completes each operation with what the gateway does around its handler, derived from the same endpoint metadata the
/// gateway acts on: the route's own parameters (some handlers read them from the route values, which ApiExplorer does
/// not see), and the problem+json answers every layer can give: the access checks (401, 403, 404 for a record outside
/// the jurisdiction), the rate limit (429), the cluster (503), idempotency (422), If-Match (412) and state conflicts
/// (409). Deriving them here, not per endpoint, keeps the document from promising less (or more) than the pipeline does.
/// </summary>
internal static partial class OpenApiAnswers
{
    private static readonly (int Status, string Description)[] Problems =
    [
        (400, "Bad Request: problem+json naming each field and the rule it breaks (errors: field → messages)."),
        (401, "Unauthorized: no X-Api-Key or bearer token, or one that is unknown, revoked or expired."),
        (403, "Forbidden: the key's roles do not include the one this operation needs, or a unit named is outside its jurisdiction."),
        (404, "Not Found: no such record, or none within the key's jurisdiction (the same answer either way)."),
        (409, "Conflict: not allowed in the record's current state; the detail names the state."),
        (412, "Precondition Failed: If-Match names an older version than the current one."),
        (422, "Unprocessable: the Idempotency-Key was already used by this caller with another request."),
        (429, "Too Many Requests: over the rate limit of the key (or of the address, without one); wait Retry-After seconds."),
        (503, "Service Unavailable: the cluster could not be reached; wait Retry-After seconds, and send a write again only with an Idempotency-Key."),
    ];

    /// <summary>The operation's problem answers, from the endpoint's metadata and route.</summary>
    internal static SortedSet<int> ProblemStatuses(IList<object> metadata, string method, string route, bool hasInputs)
    {
        var statuses = new SortedSet<int> { 429, 503 };
        var keyed = metadata.OfType<AccessPolicy>().LastOrDefault() is not { Anonymous: true };
        var write = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);
        if (keyed)
        {
            statuses.UnionWith([401, 403]);
        }
        if (RouteParameters(route).Any(p => p.Name != "format"))
        {
            statuses.Add(404);
        }
        if (hasInputs)
        {
            statuses.Add(400);
        }
        if (write && metadata.OfType<AnswersConflict>().Any())
        {
            statuses.Add(409);
        }
        if (metadata.OfType<HonoursIfMatch>().Any())
        {
            statuses.Add(412);
        }
        if (metadata.OfType<HonoursIdempotencyKey>().Any())
        {
            statuses.Add(422);
        }
        return statuses;
    }

    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var route = description.RelativePath ?? "";
        operation.Parameters ??= [];
        // A unit code bound as a checked value (IUnitValue) is still a string on the wire: describe it so, not as the
        // record the handler receives.
        foreach (var bound in description.ParameterDescriptions.Where(d => d.Type is { } t && typeof(Apis.IUnitValue).IsAssignableFrom(t)))
        {
            operation.Parameters.Remove(operation.Parameters.FirstOrDefault(p => p.In == ParameterLocation.Path && p.Name == bound.Name)!);
        }
        // An enumerated query value (EnumValue<T>) is a string of a known list: the document names the list.
        foreach (var bound in description.ParameterDescriptions)
        {
            var type = bound.Type is { } t ? Nullable.GetUnderlyingType(t) ?? t : null;
            if (type is { IsGenericType: true } && type.GetGenericTypeDefinition() == typeof(Apis.EnumValue<>)
                && operation.Parameters.FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == bound.Name) is OpenApiParameter query)
            {
                query.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. EnumNames.All(type.GetGenericArguments()[0]).Select(n => (JsonNode)JsonValue.Create(n))],
                };
            }
        }
        foreach (var (name, constraint) in RouteParameters(route))
        {
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
            {
                operation.Parameters.Add(PathParameter(name, constraint));
            }
        }
        if (metadata.OfType<HonoursIfMatch>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "版本号: the ETag of the version read (e.g. \"3\"); the change is refused 412 when the record has changed since.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("\"1\""),
            });
        }
        var hasInputs = operation.Parameters.Count > 0 || operation.RequestBody is not null;
        operation.Responses ??= [];
        foreach (var status in ProblemStatuses(metadata, description.HttpMethod ?? "GET", route, hasInputs))
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
            {
                continue;
            }
            operation.Responses[key] = new OpenApiResponse
            {
                Description = Problems.First(p => p.Status == status).Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new()
                    {
                        Schema = new OpenApiSchemaReference(status == 400 ? "HttpValidationProblemDetails" : "ProblemDetails", context.Document),
                        Example = ProblemExample(status),
                    },
                },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>What a problem answer of this status looks like (the detail varies with the record and rule).</summary>
    internal static JsonNode ProblemExample(int status)
    {
        var (title, detail) = status switch
        {
            400 => ("One or more validation errors occurred.", (string?)null),
            401 => ("Unauthorized", "Send an API key in X-Api-Key, or a bearer token."),
            403 => ("Forbidden", "This operation needs the manager role."),
            404 => ("Not Found", "No unit 340822100201009 is registered."),
            409 => ("Not allowed in the current state", "The commitments are published (亮诺) and can no longer be edited."),
            412 => ("The resource has changed", "If-Match names version 1; the current version is 2."),
            422 => ("Idempotency-Key reused", "The Idempotency-Key was used with another request."),
            429 => ("Too Many Requests", "Retry after 1 second."),
            _ => ("Service Unavailable", "The cluster is unavailable; retry after 5 seconds."),
        };
        var example = new JsonObject { ["title"] = title, ["status"] = status };
        if (detail is not null)
        {
            example["detail"] = detail;
        }
        if (status == 400)
        {
            example["errors"] = new JsonObject { ["phone"] = new JsonArray("must have 5 to 15 digits") };
        }
        return example;
    }

    /// <summary>The parameters of a route template, with their first constraint (<c>{year:int}</c>).</summary>
    internal static IEnumerable<(string Name, string? Constraint)> RouteParameters(string route) =>
        RouteParameter().Matches(route).Select(m => (m.Groups["name"].Value, m.Groups["constraint"].Success ? m.Groups["constraint"].Value : null));

    private static OpenApiParameter PathParameter(string name, string? constraint) => new()
    {
        Name = name,
        In = ParameterLocation.Path,
        Required = true,
        Description = name switch
        {
            "code" => "区划代码: the unit's division code (county 6, township 9, village 12, grid 15 digits).",
            "id" or "memberId" => "编号: the record's id, a GUID.",
            _ => null,
        },
        Schema = constraint == "int" || name == "year" ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" }
            : name is "id" or "memberId" ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }
            : new OpenApiSchema { Type = JsonSchemaType.String },
    };

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?<constraint>[A-Za-z]+)[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
