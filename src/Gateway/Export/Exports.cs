using System.Reflection;
using System.Text.Json;
using GridActors.Gateway.Apis;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Export;

/// <summary>Endpoint metadata: this read can be downloaded as CSV or XLSX; <see cref="IsList"/> when it is a paged list.</summary>
public sealed record Exportable(bool IsList);

/// <summary>
/// Every table and report of the API as a download (导出), without a handler per table: a GET whose answer is a value
/// (a list page or a report) answers CSV or XLSX when asked with <c>?format=csv|xlsx</c> (what a link in the console
/// uses) or with <c>Accept: text/csv</c> / the XLSX media type. The endpoint's own handler runs, behind every filter it
/// has (jurisdiction, masking, audit), and a list is followed page by page to its end, so a download holds the whole
/// table exactly as its JSON pages would, up to <see cref="MaxRows"/>.
/// </summary>
/// <remarks>
/// A convention rather than a filter on every endpoint: only the reads that answer a value get the filter, so the
/// unit read (the API's most frequent call, answered as bytes from a cache) pays nothing for it.
/// </remarks>
public static class Exports
{
    /// <summary>The most rows one download holds: a province's issue list is narrowed by unit first.</summary>
    public const int MaxRows = 100_000;

    /// <summary>The page size asked of a list while it is exported: the largest every list takes.</summary>
    private const int PageSize = PartyApiSupport.MaxLimit;

    public static readonly string[] Formats = ["csv", "xlsx"];

    /// <summary>Adds the export filter to the GET endpoints of a group whose handlers answer a value.</summary>
    public static TBuilder Exported<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is not { } method
                || !endpoint.Metadata.OfType<IHttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Get))
                || ValueType(method.ReturnType) is not { } answer)
            {
                return;
            }
            var isList = answer.IsGenericType && answer.GetGenericTypeDefinition() == typeof(ListResponse<>);
            endpoint.Metadata.Add(new Exportable(isList));
            endpoint.FilterFactories.Add((context, next) => Filter(context.MethodInfo, isList, next));
        });
        return builder;
    }

    /// <summary>What a successful answer carries: the T of the handler's <c>Ok&lt;T&gt;</c>, or null when it answers no typed value.</summary>
    private static Type? ValueType(Type type)
    {
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            type = type.GenericTypeArguments[0];
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Ok<>))
        {
            return type.GenericTypeArguments[0];
        }
        return typeof(INestedHttpResult).IsAssignableFrom(type) && type.IsGenericType
            ? type.GenericTypeArguments.Select(ValueType).FirstOrDefault(t => t is not null)
            : null;
    }

    private static EndpointFilterDelegate Filter(MethodInfo method, bool isList, EndpointFilterDelegate next)
    {
        var parameters = method.GetParameters();
        var paging = Array.FindIndex(parameters, p => p.ParameterType == typeof(Paging));
        var cursor = Array.FindIndex(parameters, p => p.Name == "cursor" && p.ParameterType == typeof(string));
        var limit = Array.FindIndex(parameters, p => p.Name == "limit" && p.ParameterType == typeof(int?));
        return async invocation =>
        {
            var http = invocation.HttpContext;
            var format = Requested(http.Request, out var wrong);
            if (wrong is not null)
            {
                return Problems.Invalid("format", wrong);
            }
            if (format is null)
            {
                return await next(invocation);
            }
            var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            ExportTable table;
            if (isList)
            {
                var items = new List<JsonElement>();
                string? after = null;
                do
                {
                    if (paging >= 0)
                    {
                        invocation.Arguments[paging] = new Paging { Cursor = after, Limit = PageSize };
                    }
                    if (cursor >= 0)
                    {
                        invocation.Arguments[cursor] = after;
                    }
                    if (limit >= 0)
                    {
                        invocation.Arguments[limit] = (int?)PageSize;
                    }
                    var result = await next(invocation);
                    if (ValueOf(result) is not { } page)
                    {
                        return result;
                    }
                    var answer = JsonSerializer.SerializeToElement(page, page.GetType(), json);
                    items.AddRange(answer.GetProperty("items").EnumerateArray());
                    after = answer.TryGetProperty("nextCursor", out var following) && following.ValueKind == JsonValueKind.String ? following.GetString() : null;
                    if (items.Count > MaxRows)
                    {
                        return TypedResults.Problem(title: "Too many rows to download",
                            detail: $"A download holds at most {MaxRows} rows; ask for a smaller unit or a narrower filter.",
                            statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.TooLarge,
                            extensions: new Dictionary<string, object?> { ["maxRows"] = MaxRows });
                    }
                }
                while (after is not null);
                table = ExportTable.FromItems(items);
            }
            else
            {
                var result = await next(invocation);
                if (ValueOf(result) is not { } report)
                {
                    return result;
                }
                table = ExportTable.FromReport(JsonSerializer.SerializeToElement(report, report.GetType(), json));
            }
            var name = FileName(http.Request.Path);
            return format == "csv"
                ? TypedResults.File(ExportFiles.Csv(table), ExportFiles.CsvType + "; charset=utf-8", name + ".csv")
                : TypedResults.File(ExportFiles.Xlsx(table, name), ExportFiles.XlsxType, name + ".xlsx");
        };
    }

    /// <summary>The value of a 200 answer; null for any other answer (a 400, a 404), which is given as it is.</summary>
    private static object? ValueOf(object? result)
    {
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        return inner is IStatusCodeHttpResult { StatusCode: 200 } and IValueHttpResult { Value: { } value } ? value : null;
    }

    /// <summary>csv or xlsx when the request asks for a download; <paramref name="wrong"/> when <c>format</c> names neither.</summary>
    internal static string? Requested(HttpRequest request, out string? wrong)
    {
        wrong = null;
        if (request.Query.TryGetValue("format", out var values))
        {
            var format = values.ToString().Trim().ToLowerInvariant();
            if (Formats.Contains(format))
            {
                return format;
            }
            wrong = EnumNames.OneOf(Formats);
            return null;
        }
        var accept = request.Headers.Accept.ToString();
        return accept.Contains(ExportFiles.CsvType, StringComparison.OrdinalIgnoreCase) ? "csv"
            : accept.Contains(ExportFiles.XlsxType, StringComparison.OrdinalIgnoreCase) ? "xlsx"
            : null;
    }

    /// <summary>
    /// The download's name from its address: the resource and the unit or record it belongs to, e.g.
    /// <c>/api/v1/counties/340822/issues</c> → <c>issues-340822</c>.
    /// </summary>
    internal static string FileName(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToArray();
        var names = segments.Where(s => !s.Any(char.IsDigit)).ToArray();
        var keys = segments.Where(s => s.Any(char.IsDigit)).ToArray();
        var name = string.Join('-', new[] { names.LastOrDefault() ?? "export" }.Concat(keys.Take(1)));
        return new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
    }
}
