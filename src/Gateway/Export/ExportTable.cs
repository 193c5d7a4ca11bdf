using System.Globalization;
using System.Text.Json;

namespace GridActors.Gateway.Export;

/// <summary>
/// An API answer as a table: the JSON the endpoint would have answered (so field names, enum names and masking are
/// exactly those of the JSON), a list's items as rows with nested fields as dotted columns (<c>reporter.name</c>), a
/// list of plain values joined with "; ", a list of records kept as JSON text in its cell. A report (one object, not a
/// list) is written as rows of field and value.
/// </summary>
public sealed class ExportTable
{
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>Each row's cells in column order: a string, a number (double) or null.</summary>
    public required IReadOnlyList<object?[]> Rows { get; init; }

    public static ExportTable FromItems(IEnumerable<JsonElement> items)
    {
        var columns = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new List<Dictionary<string, object?>>();
        foreach (var item in items)
        {
            var record = new Dictionary<string, object?>(StringComparer.Ordinal);
            Flatten(item, "", record);
            foreach (var column in record.Keys.Where(c => index.TryAdd(c, columns.Count)))
            {
                columns.Add(column);
            }
            records.Add(record);
        }
        var rows = records.Select(r => columns.Select(c => r.GetValueOrDefault(c)).ToArray()).ToArray();
        return new ExportTable { Columns = columns, Rows = rows };
    }

    public static ExportTable FromReport(JsonElement report)
    {
        var record = new Dictionary<string, object?>(StringComparer.Ordinal);
        Flatten(report, "", record, arraysOfRecordsAsRows: true);
        return new ExportTable { Columns = ["field", "value"], Rows = record.Select(f => new[] { f.Key, f.Value }).ToArray() };
    }

    private static void Flatten(JsonElement value, string path, Dictionary<string, object?> into, bool arraysOfRecordsAsRows = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", into, arraysOfRecordsAsRows);
                }
                break;
            case JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)):
                into[path] = string.Join("; ", value.EnumerateArray().Select(Text));
                break;
            case JsonValueKind.Array when arraysOfRecordsAsRows:
                // A report's breakdowns (by education, by village, …): one field per element, numbered from 1.
                var i = 0;
                foreach (var element in value.EnumerateArray())
                {
                    Flatten(element, $"{path}[{++i}]", into, arraysOfRecordsAsRows);
                }
                break;
            case JsonValueKind.Array:
                into[path] = value.GetRawText();
                break;
            case JsonValueKind.Number:
                into[path] = value.TryGetDouble(out var number) ? number : value.GetRawText();
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                into[path] = null;
                break;
            default:
                into[path] = Text(value);
                break;
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    /// <summary>A cell as CSV text: numbers in the invariant culture, as JSON writes them.</summary>
    public static string? CellText(object? cell) => cell switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        _ => (string?)cell,
    };
}
