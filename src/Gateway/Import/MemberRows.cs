using GridActors.Gateway.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Import;

/// <summary>
/// Party members (党员): one row per member, keyed by county, name and birth date (a member has no national ID
/// here), so a member who moved grid is still the same member. A member already registered is updated, keeping
/// the card (党员信息卡) and everything the sheet has no column for; the grid changes only by a transfer.
/// </summary>
internal sealed class MemberRows(IGrainFactory grains, Caller caller, GridClock clock) : GroupedRows<MemberImport>
{
    private readonly DateOnly _today = PartyCalendar.Today(clock.GetUtcNow());

    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("name", true, "姓名"),
        new("gender", true, "性别"),
        new("birth_date", true, "出生日期", "出生年月"),
        new("joined_party_on", true, "入党日期", "入党时间"),
        new("education", true, "学历", "文化程度"),
        new("phone", true, ImportColumn.PhoneAliases),
        new("grid", true, "网格", "网格编码", "网格代码", "所在网格"),
        new("status", true, "状态", "党员状态", "类别"),
        new("holds_office", false, "是否有职务", "有无职务"),
    ];

    private static readonly Dictionary<string, string> Genders = new() { ["男"] = "male", ["女"] = "female" };

    private static readonly Dictionary<string, string> Educations = new()
    {
        ["小学"] = "primary", ["初中"] = "junior", ["高中"] = "senior", ["中专"] = "vocational", ["职高"] = "vocational",
        ["中技"] = "vocational", ["大专"] = "college", ["专科"] = "college", ["本科"] = "bachelor", ["大学本科"] = "bachelor",
        ["硕士"] = "master", ["博士"] = "doctorate", ["研究生"] = "master",
    };

    private static readonly Dictionary<string, string> Statuses = new()
    {
        ["在村"] = "resident", ["在家"] = "resident", ["常住"] = "resident", ["外出"] = "migrant", ["外出务工"] = "migrant", ["流动党员"] = "migrant",
        ["年老体弱"] = "elderly", ["老年"] = "elderly", ["老弱"] = "elderly", ["其他"] = "other",
    };

    public override IReadOnlyList<ImportColumn> Columns => Schema;

    protected override GroupedRow<MemberImport>? Check(ImportRow row, ImportResults results)
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
        var officeText = row["holds_office"];
        bool? office = officeText switch { "有职" or "有职党员" => true, "无职" or "无职党员" => false, _ => ImportValues.Boolean(officeText) };
        if (officeText is not null && office is null)
        {
            results.Reject(row.Number, grid.ToString(), "holds_office", "must be yes or no (是/否)");
            return null;
        }
        var errors = new ValidationErrors();
        var input = new MemberInput(row["name"], ImportValues.Map(row["gender"], Genders), ImportValues.Date(row["birth_date"]),
            ImportValues.Date(row["joined_party_on"]), ImportValues.Map(row["education"], Educations), row["phone"], grid.ToString(),
            ImportValues.Map(row["status"], Statuses), office);
        var details = input.Validate(_today, errors);
        if (details is null || !errors.IsEmpty)
        {
            results.Reject(row.Number, row["name"], ToColumns(errors));
            return null;
        }
        var id = IdOf("member", Invariant($"{grid.Code.County}/{details.Name}/{details.BirthDate:yyyy-MM-dd}"));
        return new GroupedRow<MemberImport>(row, grid.ToString(), id.ToString(), new MemberImport(details, KeepsOffice: office is null));
    }

    /// <summary>
    /// The members of one grid: each plans its change (its own read), the grid's Party group takes all their roster
    /// entries in one write, then each member writes itself. A member the group refuses writes nothing.
    /// </summary>
    protected override async Task Write(string grid, IReadOnlyList<GroupedRow<MemberImport>> rows, ImportResults results)
    {
        var members = rows.Select(r => grains.GetMember(Guid.Parse(r.Record))).ToArray();
        var plans = await Task.WhenAll(rows.Select((r, i) => Call(() => members[i].PlanImport(r.Value))));
        var syncing = new List<int>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var result = plans[i].Result;
            if (result.Change is ImportChange.Created or ImportChange.Updated)
            {
                syncing.Add(i);
            }
            else
            {
                Report(results, rows[i], result);
            }
        }
        if (syncing.Count == 0)
        {
            return;
        }
        var answers = await grains.GetPartyGroup(grid).SyncMembers(
            syncing.Select(i => new RosterSync(plans[i].Entry!, plans[i].Result.Change == ImportChange.Created)).ToArray());
        var writing = new List<int>(syncing.Count);
        for (var k = 0; k < syncing.Count; k++)
        {
            var i = syncing[k];
            if (answers[k].Accepted)
            {
                writing.Add(i);
            }
            else
            {
                Report(results, rows[i], ImportResult.Refused(plans[i].Result.Change == ImportChange.Created ? "grid" : "status", answers[k].Refusal!));
            }
        }
        var written = await Task.WhenAll(writing.Select(i => Call(() => members[i].ApplyImport(rows[i].Value, plans[i].Version, caller.Actor))));
        for (var k = 0; k < writing.Count; k++)
        {
            var i = writing[k];
            Report(results, rows[i], written[k].Status == PartyStatus.Done
                ? plans[i].Result
                : ImportResult.Refused(Column(written[k].Field), written[k].Message ?? written[k].Status.ToString()));
        }
    }

    private static void Report(ImportResults results, GroupedRow<MemberImport> row, ImportResult result) =>
        Report(results, row, result, Column(result.Field));

    private static string Column(string? field) => field switch
    {
        null => "name",
        "birthDate" => "birth_date",
        "joinedPartyOn" => "joined_party_on",
        "holdsOffice" => "holds_office",
        var f => f,
    };

    private static Dictionary<string, string[]> ToColumns(ValidationErrors errors) =>
        errors.ToDictionary().GroupBy(e => Column(e.Key)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());
}
