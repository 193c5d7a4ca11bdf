using System.Text.Json;
using System.Text.Json.Nodes;
using GridActors.Gateway.Access;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// Completes the OpenAPI document for integrators: every request and response body gets an example (built from
/// its schema, with the values a county would send: division codes, Chinese names, China-time dates), every
/// spreadsheet import a CSV sample, and every endpoint marked <see cref="HonoursIdempotencyKey"/> documents that
/// header. A document transformer, because examples need the schemas' components resolved; the header is added per
/// operation, from the same endpoint metadata that lets the gateway retry the request, so the document cannot
/// promise what the endpoint does not do.
/// </summary>
internal sealed class OpenApiExamples : IOpenApiDocumentTransformer
{
    private const int MaxDepth = 6;

    private static readonly Dictionary<string, string> CsvSamples = new()
    {
        ["ImportUnits"] = "level,code,name,kind,leader_name,leader_phone,villager_groups\ngrid,340822100201003,董屋网格,,董明,13955612345,董屋组、汪屋组\n",
        ["ImportCadres"] = "村代码,届次,选举日期,姓名,性别,出生日期,学历,政治面貌,职务\n340822100201,2021,2021-03-15,董明,男,1975-03-08,大专,中共党员,书记兼主任\n",
        ["ImportMembers"] = "姓名,性别,出生日期,入党日期,学历,手机,网格,状态\n王建国,男,1970-05-01,1995-07-01,高中,13900001111,340822100201003,在村\n",
        ["ImportHouseholds"] = "grid,head,address,phone,size,needs,vulnerable\n340822100201003,董大爷,董屋组12号,13900005555,2,助老,是\n",
    };

    /// <summary>Sample values by property name (lower case), so examples read like real requests.</summary>
    private static readonly Dictionary<string, JsonNode?> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["code"] = "340822100201003", ["grid"] = "340822100201003", ["originGrid"] = "340822100201003", ["county"] = "340822",
        ["township"] = "340822100", ["village"] = "340822100201", ["unit"] = "340822100201", ["holder"] = "340822100201003",
        ["parent"] = "340822100201", ["to"] = "340822100201003", ["toGrid"] = "340822100201004", ["jurisdiction"] = "340822",
        ["jurisdiction_id"] = "340822", ["service_code"] = "neighbour-dispute", ["category"] = "neighbour-dispute",
        ["name"] = "董屋网格", ["gender"] = "male", ["education"] = "seniorSecondary", ["roles"] = new JsonArray("reporter"), ["head"] = "董大爷", ["title"] = "宅基地边界纠纷", ["description"] = "两户因宅基地边界争执，需网格调解",
        ["note"] = "已上门调解", ["address"] = "董屋组12号", ["address_string"] = "董屋组路口", ["phone"] = "13955612345",
        ["app"] = "12345热线", ["by"] = "网格员董明", ["reason"] = "村民小组之间的纠纷，需村里协调", ["kind"] = "village",
        ["lat"] = 30.41, ["long"] = 116.61, ["satisfaction"] = 5, ["secret"] = "gak.k7m2q9x4w8r3t6y5n2p4.Zm9vYmFy",
        ["status"] = "open", ["detail"] = "No unit 340822100201009 is registered.", ["title_problem"] = "Not found",
        ["api_key"] = "gak.k7m2q9x4w8r3t6y5n2p4.Zm9vYmFy", ["media_url"] = "https://example.org/photos/1.jpg",
        ["first_name"] = "三", ["last_name"] = "张", ["email"] = "zhangsan@example.org",
        ["status_notes"] = "待受理 reported, waiting to be accepted at the grid", ["service_name"] = "邻里纠纷 neighbour dispute",
        ["agency_responsible"] = "董屋网格 (340822100201003)", ["service_notice"] = "已登记 registered; held by 董屋网格 (340822100201003)",
        ["outcome"] = "created", ["row"] = 2, ["key"] = "340822100201003", ["format"] = "csv", ["stoppedAt"] = null,
        ["ignoredColumns"] = new JsonArray("备注"), ["errors"] = new JsonObject { ["leader_phone"] = new JsonArray("must have 5 to 15 digits") },
        ["url"] = "https://example.org/photos/1.jpg", ["sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ["caption"] = "现场照片", ["assignedMember"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a", ["memberId"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
        ["address_id"] = null, ["zipcode"] = null, ["account_id"] = null, ["token"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
    };

    /// <summary>
    /// The options of the document: this transformer, and only the API's own operations (the Orleans dashboard
    /// is an operators' page, not an operation for integrators).
    /// </summary>
    public static void Configure(OpenApiOptions options)
    {
        var include = options.ShouldInclude;
        options.ShouldInclude = description =>
            include(description) && description.RelativePath?.StartsWith("dashboard", StringComparison.OrdinalIgnoreCase) != true;
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<HonoursIdempotencyKey>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(IdempotencyKeyParameter());
            }
            // Who may call it, from the same metadata the gateway decides by.
            if (metadata.OfType<AccessPolicy>().LastOrDefault() is { } policy)
            {
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions[AccessExtension] = new JsonNodeExtension(JsonValue.Create(
                    policy.Anonymous ? "anyone" : policy.RoleFor(context.Description.HttpMethod ?? "GET") ?? "any role"));
            }
            return Task.CompletedTask;
        });
        // Fields that name another record carry what they name, so integrators (and the access tests) see which body
        // values the gateway checks against the caller's jurisdiction (BodyReferences).
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ReferencesAttribute), false) is [ReferencesAttribute reference, ..])
            {
                schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                schema.Extensions[ReferenceExtension] = new JsonNodeExtension(JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(reference.Kind.ToString())));
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(OpenApiAnswers.TransformAsync);
        options.AddOperationTransformer(Export.ExportsOpenApi.TransformAsync);
        options.AddOperationTransformer(OpenApiSecurity.ApplyAsync);
        options.AddDocumentTransformer<OpenApiSecurity>();
        options.AddDocumentTransformer<OpenApiExamples>();
    }

    /// <summary>The operation extension that names who may call it: anyone (no key), any role, or the one role it needs.</summary>
    public const string AccessExtension = "x-gridactors-access";

    /// <summary>The schema extension that marks a field naming a unit, member or issue.</summary>
    public const string ReferenceExtension = "x-gridactors-reference";

    private static OpenApiParameter IdempotencyKeyParameter() => new()
    {
        Name = "Idempotency-Key",
        In = ParameterLocation.Header,
        Required = false,
        Description = "幂等键: a retried POST with the same key returns the first result (with Idempotent-Replayed: true) instead of creating a second record; the same key with another body is refused. At most 200 printable characters.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
        Example = "hotline-2026-03-02-00042",
    };

    /// <summary>Sample values of path, query and header parameters, by name (consulted before <see cref="ByName"/>).</summary>
    private static readonly Dictionary<string, JsonNode> Parameters = new(StringComparer.Ordinal)
    {
        ["format"] = "json", ["categoryCode"] = "neighbour-dispute", ["id"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
        ["memberId"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a", ["objectionId"] = "0195f3c2-9b11-7d20-8c3a-4e5f6a7b8c9d",
        ["service_request_id"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a", ["token"] = "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
        ["start_date"] = "2026-01-01T00:00:00+08:00", ["end_date"] = "2026-03-02T23:59:59+08:00",
        ["date"] = "2026-03-02", ["from"] = "2026-02-01", ["to"] = "2026-03-02", ["month"] = "2026-03",
        ["year"] = "2021", ["term"] = "2021", ["limit"] = 50, ["cursor"] = "NjM4NzY1NDMyMTAwMDAwMDAwOjAxOTVmM2My",
        ["need"] = "助老", ["rating"] = "weak", ["sessionId"] = "spring-2026",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (_, path) in document.Paths)
        {
            foreach (var (_, operation) in path.Operations ?? [])
            {
                if (operation.RequestBody?.Content is { } request)
                {
                    foreach (var (type, media) in request)
                    {
                        media.Example ??= type == "text/csv" && operation.OperationId is { } id && CsvSamples.TryGetValue(id, out var csv)
                            ? JsonValue.Create(csv)
                            : (type == "application/json" ? OpenApiRequestExamples.For(operation.OperationId) : null) ?? Example(media.Schema, document, null, 0);
                    }
                }
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    foreach (var (type, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
                    {
                        // A problem's example says what that status means, not what the schema's field names suggest.
                        if (type == "application/problem+json" && int.TryParse(status, out var code))
                        {
                            media.Example = OpenApiAnswers.ProblemExample(code);
                        }
                        else if (!type.Contains("xml", StringComparison.Ordinal))
                        {
                            media.Example ??= Example(media.Schema, document, null, 0);
                        }
                    }
                }
                foreach (var parameter in operation.Parameters ?? [])
                {
                    if (parameter is OpenApiParameter p && p.Example is null && p.Examples is not { Count: > 0 })
                    {
                        p.Example = Parameters.TryGetValue(p.Name ?? "", out var value) ? value.DeepClone()
                            : ByName.TryGetValue(p.Name ?? "", out var named) && named is not null ? named.DeepClone()
                            : Example(p.Schema, document, p.Name, 0);
                    }
                }
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>A sample value for a schema, following references to the document's components.</summary>
    private static JsonNode? Example(IOpenApiSchema? schema, OpenApiDocument document, string? name, int depth)
    {
        if (schema is null || depth > MaxDepth)
        {
            return null;
        }
        if (schema is OpenApiSchemaReference reference && reference.Reference.Id is { } id
            && document.Components?.Schemas?.TryGetValue(id, out var target) == true)
        {
            schema = target;
        }
        if (schema.Examples is { Count: > 0 } givens && givens[0] is { } given)
        {
            return given.DeepClone();
        }
        if (schema.Enum is { Count: > 0 } values)
        {
            return values.First(v => v is not null)?.DeepClone();
        }
        if (name is not null && ByName.TryGetValue(name, out var named))
        {
            return named?.DeepClone();
        }
        foreach (var choice in (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
        {
            if (Example(choice, document, name, depth + 1) is { } chosen)
            {
                return chosen;
            }
        }
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.Array))
        {
            var item = Example(schema.Items, document, null, depth + 1);
            return item is null ? new JsonArray() : new JsonArray(item);
        }
        if (type.HasFlag(JsonSchemaType.Object) || schema.Properties is { Count: > 0 })
        {
            var json = new JsonObject();
            foreach (var (property, propertySchema) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                json[property] = Example(propertySchema, document, property, depth + 1);
            }
            if (json.Count == 0 && schema.AdditionalProperties is { } values2)
            {
                json["field"] = Example(values2, document, null, depth + 1);
            }
            return json;
        }
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            return 1;
        }
        if (type.HasFlag(JsonSchemaType.Number))
        {
            return 1.5;
        }
        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return true;
        }
        if (type.HasFlag(JsonSchemaType.String))
        {
            return schema.Format switch
            {
                "date-time" => "2026-03-02T09:00:00+08:00",
                "date" => "2026-03-02",
                "uuid" => "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
                "duration" => "P3D",
                "uri" => "https://example.org/photos/1.jpg",
                _ when name is not null && (name.EndsWith("_datetime", StringComparison.Ordinal) || name.EndsWith("At", StringComparison.Ordinal)) => "2026-03-02T09:00:00+08:00",
                _ when name is not null && (name.EndsWith("On", StringComparison.Ordinal) || name.EndsWith("Date", StringComparison.Ordinal)) => "2026-03-02",
                _ when name is not null && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("_request_id", StringComparison.Ordinal)) => "0195f3c2-8a4e-7c1d-9b2a-3f6e5d4c3b2a",
                _ => "董屋网格",
            };
        }
        return null;
    }
}
