using System.Text.Json;
using GridActors.Gateway.Access;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Import;

/// <summary>
/// Units (行政区划与网格): one row per county, township, village or grid, upserted whole by its grain. A row whose
/// parent comes later in the file is tried again at the end. A blank cell keeps what the unit already has, so a
/// sheet without a boundary column does not erase boundaries; the API's PUT clears a value.
/// </summary>
internal sealed class UnitRows(IGrainFactory grains, Caller caller) : IRowImporter
{
    private const int Batch = 64;
    private readonly List<ImportRow> _batch = [];
    private readonly List<ImportRow> _waiting = [];
    private readonly Lock _lock = new();

    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("level", false, "层级", "级别"),
        new("code", true, "代码", "编码", "区划代码", "统计用区划代码", "单位代码", "网格编码"),
        new("name", true, "名称", "单位名称", "网格名称"),
        new("kind", false, "类型", "村社区类型"),
        new("leader_name", false, "网格长", "网格长姓名"),
        new("leader_phone", false, "网格长电话", "网格长联系电话"),
        new("villager_groups", false, "村民小组", "村民组"),
        new("boundary", false, "边界", "网格边界"),
    ];

    public IReadOnlyList<ImportColumn> Columns => Schema;

    public async Task Add(ImportRow row, ImportResults results)
    {
        // The same unit twice in a file: the earlier row is written first.
        if (_batch.Any(r => r["code"] == row["code"]))
        {
            await Flush(results, defer: true);
        }
        _batch.Add(row);
        if (_batch.Count >= Batch)
        {
            await Flush(results, defer: true);
        }
    }

    public async Task Finish(ImportResults results)
    {
        await Flush(results, defer: true);
        _batch.AddRange(_waiting);
        _waiting.Clear();
        await Flush(results, defer: false);
    }

    /// <summary>Writes the held rows, parents before children: a level at a time, the rows of a level at once.</summary>
    private async Task Flush(ImportResults results, bool defer)
    {
        var rows = _batch.ToArray();
        _batch.Clear();
        foreach (var level in rows.GroupBy(r => r["code"]?.Length ?? 0).OrderBy(g => g.Key))
        {
            foreach (var same in level.GroupBy(r => r["code"]).SelectMany(g => g.Select((row, i) => (row, i))).GroupBy(x => x.i).OrderBy(g => g.Key))
            {
                await Task.WhenAll(same.Select(x => One(x.row, results, defer)));
            }
        }
    }

    private async Task One(ImportRow row, ImportResults results, bool defer)
    {
        var text = row["code"];
        if (!UnitCode.TryParse(text, out var code, out var codeError))
        {
            results.Reject(row.Number, text, "code", codeError);
            return;
        }
        if (row["level"] is { } levelText)
        {
            if (!TryLevel(levelText, out var level))
            {
                results.Reject(row.Number, code.Value, "level", "must be county, township, village or grid (县, 乡镇, 村, 社区, 网格)");
                return;
            }
            if (level != code.Level)
            {
                results.Reject(row.Number, code.Value, "level", $"is {level.Name()} but {code} is a {code.Level.Name()} code");
                return;
            }
        }
        if (!caller.Covers(code.Value))
        {
            results.Reject(row.Number, code.Value, "code", "is outside this key's jurisdiction");
            return;
        }
        var unit = grains.GetUnit(code);
        var existing = (await unit.Get())?.Details;
        var errors = new ValidationErrors();
        var details = Input(row, code.Level, existing, errors)?.Validate(code.Level, errors);
        if (details is null || !errors.IsEmpty)
        {
            results.Reject(row.Number, code.Value, ToColumns(errors));
            return;
        }
        if (existing is not null && Same(existing, details))
        {
            results.Add(new ImportRowResult(row.Number, code.Value, ImportResults.Unchanged));
            return;
        }
        var outcome = await unit.Upsert(details);
        switch (outcome.Status)
        {
            case UpsertStatus.Created:
                results.Add(new ImportRowResult(row.Number, code.Value, ImportResults.Created));
                break;
            case UpsertStatus.Updated:
                results.Add(new ImportRowResult(row.Number, code.Value, ImportResults.Updated));
                break;
            case UpsertStatus.ParentMissing when defer:
                lock (_lock)
                {
                    _waiting.Add(row);
                }
                break;
            default:
                results.Reject(row.Number, code.Value, "code", $"its parent {outcome.MissingParent ?? code.Parent?.Value} is not registered, nor in this file");
                break;
        }
    }

    /// <summary>The row as the API's input, blank cells taking what the unit has.</summary>
    private static UnitInput? Input(ImportRow row, UnitLevel level, UnitDetails? existing, ValidationErrors errors)
    {
        var kind = row["kind"] is { } k ? Kind(k) : existing?.Kind;
        var groups = row["villager_groups"] is { } g ? ImportValues.List(g) : existing?.VillagerGroups?.ToList();
        var leaderName = row["leader_name"] ?? existing?.Leader?.Name;
        var leaderPhone = row["leader_phone"] ?? existing?.Leader?.Phone;
        JsonElement? boundary = null;
        var geo = row["boundary"] ?? existing?.BoundaryGeoJson;
        if (geo is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(geo);
                boundary = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                errors.Add("boundary", "must be a GeoJSON Polygon or MultiPolygon (JSON text)");
                return null;
            }
        }
        return new UnitInput(
            row["name"],
            level == UnitLevel.Village ? kind : row["kind"],
            groups,
            leaderName is null && leaderPhone is null ? null : new ContactInput(leaderName, leaderPhone),
            boundary);
    }

    private static string Kind(string text) => text switch
    {
        "村" or "行政村" => "village",
        "社区" or "居委会" => "community",
        _ => text.ToLowerInvariant(),
    };

    private static bool TryLevel(string text, out UnitLevel level)
    {
        switch (text)
        {
            case "县" or "区" or "县(区)" or "县（区）" or "县级市": level = UnitLevel.County; return true;
            case "乡" or "镇" or "乡镇" or "街道": level = UnitLevel.Township; return true;
            case "村" or "社区" or "村/社区" or "村(社区)" or "村（社区）": level = UnitLevel.Village; return true;
            case "网格": level = UnitLevel.Grid; return true;
            default: return UnitLevels.TryParse(text, out level);
        }
    }

    private static bool Same(UnitDetails a, UnitDetails b) =>
        a.Name == b.Name && a.Kind == b.Kind && Equals(a.Leader, b.Leader) && a.BoundaryGeoJson == b.BoundaryGeoJson
        && (a.VillagerGroups ?? []).SequenceEqual(b.VillagerGroups ?? []);

    /// <summary>The validator names JSON fields (leader.phone); the report names the sheet's columns (leader_phone).</summary>
    private static Dictionary<string, string[]> ToColumns(ValidationErrors errors) =>
        errors.ToDictionary()
            .GroupBy(e => e.Key switch
            {
                "leader" or "leader.name" => "leader_name",
                "leader.phone" => "leader_phone",
                var f when f.StartsWith("villagerGroups", StringComparison.Ordinal) => "villager_groups",
                var f when f.StartsWith("boundary", StringComparison.Ordinal) => "boundary",
                var f => f,
            })
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Key == g.Key || e.Key.StartsWith("leader", StringComparison.Ordinal)
                ? e.Value
                : e.Value.Select(v => $"{e.Key}: {v}")).ToArray());
}
