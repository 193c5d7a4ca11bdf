using System.Globalization;
using GridActors.Gateway.Access;
using GridActors.Grains.Households;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Import;

/// <summary>
/// Households (农户): one row per household of a grid, keyed by grid, head and address. A household already
/// registered is updated, keeping its member links, plaque and central-household links (the sheet has no column
/// for them).
/// </summary>
internal sealed class HouseholdRows(IGrainFactory grains, Caller caller) : GroupedRows<HouseholdImport>
{
    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("grid", true, "网格", "网格编码", "网格代码", "所在网格"),
        new("head", true, "户主", "户主姓名"),
        new("address", true, "地址", "住址", "家庭住址"),
        new("phone", false, ImportColumn.PhoneAliases),
        new("size", false, "人口", "家庭人口", "人数"),
        new("needs", false, "需求", "群众需求"),
        new("needs_note", false, "需求说明", "备注"),
        new("vulnerable", false, "困难户", "是否困难户", "特殊群体"),
        new("vulnerability", false, "困难类型"),
    ];

    public override IReadOnlyList<ImportColumn> Columns => Schema;

    protected override GroupedRow<HouseholdImport>? Check(ImportRow row, ImportResults results)
    {
        var gridText = row["grid"];
        if (!GridCode.TryParse(gridText, out var grid, out var gridError))
        {
            results.Reject(row.Number, gridText, "grid", gridError);
            return null;
        }
        if (!caller.Covers(grid.ToString()))
        {
            results.Reject(row.Number, grid.ToString(), "grid", "is outside this key's jurisdiction");
            return null;
        }
        int? size = null;
        if (row["size"] is { } sizeText)
        {
            if (!int.TryParse(sizeText.TrimEnd('人'), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                results.Reject(row.Number, grid.ToString(), "size", "must be a whole number of people");
                return null;
            }
            size = n;
        }
        var vulnerable = ImportValues.Boolean(row["vulnerable"]);
        if (row["vulnerable"] is not null && vulnerable is null)
        {
            results.Reject(row.Number, grid.ToString(), "vulnerable", "must be yes or no (是/否)");
            return null;
        }
        var errors = new ValidationErrors();
        var needs = row["needs"] is { } n2 ? ImportValues.List(n2).Select(x => (string?)x).ToArray() : null;
        var details = new HouseholdInput(row["head"], row["address"], row["phone"], size, needs, row["needs_note"], vulnerable, row["vulnerability"]).Validate(errors);
        if (details is null || !errors.IsEmpty)
        {
            results.Reject(row.Number, grid.ToString(), errors.ToDictionary().ToDictionary(e => Column(e.Key), e => e.Value));
            return null;
        }
        var id = IdOf("household", $"{grid}/{details.Head}/{details.Address}");
        return new GroupedRow<HouseholdImport>(row, grid.ToString(), id.ToString(), new HouseholdImport(id, details));
    }

    /// <summary>The households of one grid: one call to the grid's households grain, one write.</summary>
    protected override async Task Write(string grid, IReadOnlyList<GroupedRow<HouseholdImport>> rows, ImportResults results)
    {
        var answers = await grains.GetGrain<IGridHouseholdsGrain>(grid).Import(rows.Select(r => r.Value).ToArray());
        for (var i = 0; i < rows.Count; i++)
        {
            Report(results, rows[i], answers[i], Column(answers[i].Field ?? "head"));
        }
    }

    private static string Column(string field) => field switch
    {
        "needsNote" => "needs_note",
        var f when f.StartsWith("needs", StringComparison.Ordinal) => "needs",
        var f => f,
    };
}
