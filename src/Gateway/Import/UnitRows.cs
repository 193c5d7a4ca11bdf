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
internal sealed class UnitRows(IGrainFactory grains, Caller caller) : GroupedRows<UnitCode>
{
    private readonly List<GroupedRow<UnitCode>> _parentLater = [];
    private readonly Lock _lock = new();
    private bool _lastPass;

    /// <summary>The columns in the order docs/import.md lists them, which is the order of the downloadable template.</summary>
    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("code", true, "代码", "编码", "区划代码", "统计用区划代码", "单位代码", "网格编码"),
        new("name", true, "名称", "单位名称", "网格名称"),
        new("level", false, "层级", "级别"),
        new("kind", false, "类型", "村社区类型"),
        new("leader_name", false, "网格长", "网格长姓名"),
        new("leader_phone", false, "网格长电话", "网格长联系电话"),
        new("villager_groups", false, "村民小组", "村民组"),
        new("boundary", false, "边界", "网格边界"),
    ];

    public override IReadOnlyList<ImportColumn> Columns => Schema;

    /// <summary>A unit's row goes with its siblings (group: the parent's code; counties: none), after its parent's row.</summary>
    protected override string? Prerequisite(string group) => group.Length > 0 ? group : null;

    /// <summary>Rows whose parent was not registered are tried once more at the end, parents first.</summary>
    public override async Task Finish(ImportResults results)
    {
        await Drain(results);
        if (_parentLater.Count == 0)
        {
            return;
        }
        _lastPass = true;
        var again = _parentLater.OrderBy(r => r.Record.Length).ThenBy(r => r.Row.Number).ToArray();
        _parentLater.Clear();
        foreach (var row in again)
        {
            await Enqueue(row, results);
        }
        await Drain(results);
    }

    protected override GroupedRow<UnitCode>? Check(ImportRow row, ImportResults results)
    {
        var text = row["code"];
        if (!UnitCode.TryParse(text, out var code, out var codeError))
        {
            results.Reject(row.Number, text, "code", codeError);
            return null;
        }
        if (!code.Level.InProgramme())
        {
            // A province has a handful of cities: each is PUT, with the province's choice of how its counties attach.
            results.Reject(row.Number, code.Value, "code", $"is a {code.Level.Name()} code: cities and provinces are registered with PUT /api/v1/{(code.Level == UnitLevel.City ? "cities" : "provinces")}/{{code}}, not imported");
            return null;
        }
        if (row["level"] is { } levelText)
        {
            if (!TryLevel(levelText, out var level))
            {
                results.Reject(row.Number, code.Value, "level", "must be county, township, village or grid (县, 乡镇, 村, 社区, 网格)");
                return null;
            }
            if (level != code.Level)
            {
                results.Reject(row.Number, code.Value, "level", $"is {level.Name()} but {code} is a {code.Level.Name()} code");
                return null;
            }
        }
        if (!caller.Covers(code.Value))
        {
            results.Reject(row.Number, code.Value, "code", "is outside this key's jurisdiction");
            return null;
        }
        return new GroupedRow<UnitCode>(row, code.Parent?.Value ?? "", code.Value, code);
    }

    /// <summary>
    /// Siblings: each unit is read and the row checked against it (a blank cell keeps what the unit has); the parent
    /// lists the ones to write in one write; then each writes itself (finding itself listed, it does not call the
    /// parent's storage again). With no parent registered nothing is written.
    /// </summary>
    protected override async Task Write(string parent, IReadOnlyList<GroupedRow<UnitCode>> rows, ImportResults results)
    {
        var units = rows.Select(r => grains.GetUnit(r.Value)).ToArray();
        var existing = await Task.WhenAll(units.Select(unit => Call(unit.Get)));
        var writing = new List<(int Index, UnitDetails Details)>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, code) = (rows[i].Row, rows[i].Value);
            var before = existing[i]?.Details;
            var errors = new ValidationErrors();
            var details = Input(row, code.Level, before, errors)?.Validate(code.Level, errors);
            if (details is null || !errors.IsEmpty)
            {
                results.Reject(row.Number, code.Value, ToColumns(errors));
            }
            else if (before is not null && Same(before, details))
            {
                results.Add(new ImportRowResult(row.Number, code.Value, ImportResults.Unchanged));
            }
            else
            {
                writing.Add((i, details));
            }
        }
        if (writing.Count == 0)
        {
            return;
        }
        if (parent.Length > 0
            && !await grains.GetUnit(UnitCode.Parse(parent)).AttachChildren(writing.Select(w => new ChildUnit(rows[w.Index].Record, w.Details.Name)).ToArray()))
        {
            foreach (var (i, _) in writing)
            {
                ParentMissing(rows[i], parent, results);
            }
            return;
        }
        var outcomes = await Task.WhenAll(writing.Select(w => Call(() => units[w.Index].Upsert(w.Details))));
        for (var k = 0; k < writing.Count; k++)
        {
            var grouped = rows[writing[k].Index];
            switch (outcomes[k].Status)
            {
                case UpsertStatus.Created:
                    results.Add(new ImportRowResult(grouped.Row.Number, grouped.Record, ImportResults.Created));
                    break;
                case UpsertStatus.Updated:
                    results.Add(new ImportRowResult(grouped.Row.Number, grouped.Record, ImportResults.Updated));
                    break;
                default:
                    ParentMissing(grouped, outcomes[k].MissingParent ?? parent, results);
                    break;
            }
        }
    }

    private void ParentMissing(GroupedRow<UnitCode> row, string parent, ImportResults results)
    {
        if (!_lastPass)
        {
            lock (_lock)
            {
                _parentLater.Add(row);
            }
            return;
        }
        results.Reject(row.Row.Number, row.Record, "code", $"its parent {parent} is not registered, nor in this file");
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
