using System.Text.Json;
using GridActors.Gateway.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Import;

/// <summary>
/// Party members (党员): one row per member, keyed by county, name and birth date (a member has no national ID
/// here), so a member who moved grid is still the same member. A member already registered is updated, keeping
/// the card (党员信息卡) and everything the sheet has no column for; the grid changes only by a transfer.
/// </summary>
internal sealed class MemberRows(IGrainFactory grains, Caller caller, GridClock clock) : BatchedRows
{
    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("name", true, "姓名"),
        new("gender", true, "性别"),
        new("birth_date", true, "出生日期", "出生年月"),
        new("joined_party_on", true, "入党日期", "入党时间"),
        new("education", true, "学历", "文化程度"),
        new("phone", true, "电话", "联系电话", "手机", "手机号"),
        new("grid", true, "网格", "网格编码", "网格代码", "所在网格"),
        new("status", true, "状态", "党员状态", "类别"),
        new("holds_office", false, "是否有职务", "有无职务"),
    ];

    private static readonly Dictionary<string, string> Genders = new() { ["男"] = "male", ["女"] = "female" };

    private static readonly Dictionary<string, string> Educations = new()
    {
        ["小学"] = "primary", ["初中"] = "juniorSecondary", ["高中"] = "seniorSecondary", ["中专"] = "vocational", ["职高"] = "vocational",
        ["中技"] = "vocational", ["大专"] = "juniorCollege", ["专科"] = "juniorCollege", ["本科"] = "bachelor", ["大学本科"] = "bachelor",
        ["硕士"] = "postgraduate", ["博士"] = "postgraduate", ["研究生"] = "postgraduate",
    };

    private static readonly Dictionary<string, string> Statuses = new()
    {
        ["在村"] = "resident", ["在家"] = "resident", ["常住"] = "resident", ["外出"] = "migrant", ["外出务工"] = "migrant", ["流动党员"] = "migrant",
        ["年老体弱"] = "elderly", ["老年"] = "elderly", ["老弱"] = "elderly", ["其他"] = "other",
    };

    public override IReadOnlyList<ImportColumn> Columns => Schema;

    protected override string? Key(ImportRow row) => $"{row["grid"]?[..Math.Min(6, row["grid"]!.Length)]}/{row["name"]}/{ImportValues.Date(row["birth_date"])}";

    protected override async Task One(ImportRow row, ImportResults results)
    {
        var gridText = row["grid"];
        if (!GridCode.TryParse(gridText, out var grid, out var gridError))
        {
            results.Reject(row.Number, gridText, "grid", gridError);
            return;
        }
        if (!caller.Covers(grid.ToString()))
        {
            results.Reject(row.Number, grid.ToString(), "grid", "is outside this key's jurisdiction");
            return;
        }
        var officeText = row["holds_office"];
        bool? office = officeText switch { "有职" or "有职党员" => true, "无职" or "无职党员" => false, _ => ImportValues.Boolean(officeText) };
        if (officeText is not null && office is null)
        {
            results.Reject(row.Number, grid.ToString(), "holds_office", "must be yes or no (是/否)");
            return;
        }
        var errors = new ValidationErrors();
        var input = new MemberInput(row["name"], ImportValues.Map(row["gender"], Genders), ImportValues.Date(row["birth_date"]),
            ImportValues.Date(row["joined_party_on"]), ImportValues.Map(row["education"], Educations), row["phone"], grid.ToString(),
            ImportValues.Map(row["status"], Statuses), office);
        var details = input.Validate(PartyCalendar.Today(clock.GetUtcNow()), errors);
        if (details is null || !errors.IsEmpty)
        {
            results.Reject(row.Number, row["name"], ToColumns(errors));
            return;
        }
        var id = IdOf("member", Invariant($"{grid.Code.County}/{details.Name}/{details.BirthDate:yyyy-MM-dd}"));
        var key = id.ToString();
        var member = grains.GetMember(id);
        var existing = await member.Get();
        if (existing is null)
        {
            var registered = await member.Register(details, Fingerprint(details));
            if (registered.Status == PartyStatus.Done)
            {
                results.Add(new ImportRowResult(row.Number, key, registered.Created ? ImportResults.Created : ImportResults.Unchanged));
                return;
            }
            if (registered.Status != PartyStatus.IdempotencyMismatch || (existing = await member.Get()) is null)
            {
                results.Reject(row.Number, key, Column(registered.Field), registered.Message ?? registered.Status.ToString());
                return;
            }
        }
        details = details with { Card = existing.Details.Card, HoldsOffice = office ?? existing.Details.HoldsOffice };
        if (Fingerprint(details) == Fingerprint(existing.Details))
        {
            results.Add(new ImportRowResult(row.Number, key, ImportResults.Unchanged));
            return;
        }
        var updated = await member.Update(details, null);
        if (updated.Status == PartyStatus.Done)
        {
            results.Add(new ImportRowResult(row.Number, key, ImportResults.Updated));
        }
        else
        {
            results.Reject(row.Number, key, Column(updated.Field), updated.Message ?? updated.Status.ToString());
        }
    }

    private static string Fingerprint(MemberDetails details) => JsonSerializer.Serialize(details);

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
