using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GridActors.Gateway.Export;

/// <summary>
/// In the OpenAPI document, every exportable read (<see cref="Exportable"/>) takes <c>format</c> and lists CSV and XLSX
/// as further contents of its 200 answer, so a generated client and the docs' "try it" can download it.
/// </summary>
internal static class ExportsOpenApi
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Exportable>().FirstOrDefault() is not { } exportable)
        {
            return Task.CompletedTask;
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "format",
            In = ParameterLocation.Query,
            Required = false,
            Description = "导出: csv or xlsx downloads " + (exportable.IsList ? "the whole list (every page, one row per item, nested fields as dotted columns, "
                + $"at most {Exports.MaxRows} rows)" : "the report (one row per field: field, value)") + " instead of JSON; `Accept: text/csv` or the XLSX media type does the same.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Exports.Formats.Select(f => (JsonNode)JsonValue.Create(f))] },
        });
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content[ExportFiles.CsvType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            response.Content[ExportFiles.XlsxType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        return Task.CompletedTask;
    }
}
