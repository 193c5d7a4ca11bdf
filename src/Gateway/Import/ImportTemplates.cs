using GridActors.Gateway.Access;
using GridActors.Gateway.Export;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Import;

/// <summary>
/// The downloadable template of each import (导入模板): the header row the importer reads, in the order and spelling of
/// docs/import.md (the importer's own <c>Schema</c>, so a column added there is in the template too), and one example
/// row. The example's units are those of the API's documentation (怀宁县 340822: its grid 340822100201003 and village
/// 340822100201, as the OpenAPI request examples do) moved under the caller's own jurisdiction (a key of county 340823
/// sees 340823100201003), so a template never names a unit its reader may not see, and it writes values the way
/// counties write them (男, 是, 2021-01-15, 董屋组); uploaded unchanged in the documentation's county it is accepted, and
/// a county replaces the row with its own.
/// </summary>
public static class ImportTemplates
{
    private static readonly Dictionary<string, (IReadOnlyList<ImportColumn> Columns, string?[] Example)> Kinds = new()
    {
        ["units"] = (UnitRows.Schema, ["340822100201003", "董屋网格", "网格", null, "董明", "13955612345", "董屋组", null]),
        ["cadres"] = (CadreRows.Schema, ["340822100201", "2021", "2021-01-15", "董明", "男", "1975-03-01", "高中", "是", "书记兼主任"]),
        ["members"] = (MemberRows.Schema, ["王建国", "男", "1970-05-01", "1995-07-01", "高中", "13900001111", "340822100201003", "在村", "否"]),
        ["households"] = (HouseholdRows.Schema, ["340822100201003", "董大山", "董屋组12号", "13900002222", "4", "助老、就医", "行动不便，需上门就医", "是", "低保户"]),
    };

    public static IEnumerable<string> Names => Kinds.Keys;

    /// <summary>The template's header row: the documented column names.</summary>
    public static IReadOnlyList<string> Header(string kind) => Kinds[kind].Columns.Select(c => c.Name).ToArray();

    public static void Map(RouteGroupBuilder api, string kind)
    {
        api.MapGet($"/{kind}/template", (string? format, HttpContext http) => Template(kind, format, http.Caller().Jurisdiction))
            .WithName($"Get{char.ToUpperInvariant(kind[0])}{kind[1..]}ImportTemplate")
            .WithSummary($"Download the {kind} import template")
            .WithDescription($"导入模板: a CSV (UTF-8 with a byte order mark, as Excel opens it) or XLSX file with the header row POST /api/v1/import/{kind} reads "
                + $"({string.Join(", ", Header(kind))}) and one example row (怀宁县 340822, the documentation's example county) to replace with the county's own rows. "
                + "format: csv (default) or xlsx.")
            // One declaration with both types and a body type: the document lists no content for a 200 declared without one.
            .Produces<string>(StatusCodes.Status200OK, ExportFiles.CsvType, ExportFiles.XlsxType);
    }

    /// <summary>An example unit code moved under <paramref name="jurisdiction"/> (its leading digits replaced); other cells as they are.</summary>
    private static string? Under(string jurisdiction, string? cell) =>
        cell is { Length: >= 6 } && cell.StartsWith("340822", StringComparison.Ordinal) && cell.All(char.IsAsciiDigit) && cell.Length >= jurisdiction.Length
            ? jurisdiction + cell[jurisdiction.Length..]
            : cell;

    private static Results<FileContentHttpResult, ValidationProblem> Template(string kind, string? format, string jurisdiction)
    {
        var chosen = string.IsNullOrWhiteSpace(format) ? "csv" : format.Trim().ToLowerInvariant();
        if (!Exports.Formats.Contains(chosen))
        {
            return Problems.Invalid("format", EnumNames.OneOf(Exports.Formats));
        }
        var (columns, example) = Kinds[kind];
        var row = example.Select(cell => (object?)Under(jurisdiction, cell)).ToArray();
        var table = new ExportTable { Columns = columns.Select(c => c.Name).ToArray(), Rows = [row] };
        var name = $"import-{kind}-template";
        return chosen == "csv"
            ? TypedResults.File(ExportFiles.Csv(table), ExportFiles.CsvType + "; charset=utf-8", name + ".csv")
            : TypedResults.File(ExportFiles.Xlsx(table, kind), ExportFiles.XlsxType, name + ".xlsx");
    }
}
