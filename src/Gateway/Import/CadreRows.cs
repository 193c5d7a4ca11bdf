using System.Globalization;
using GridActors.Gateway.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Leadership;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Gateway.Import;

/// <summary>
/// Cadres (村两委干部): one row per cadre, with the village and the term. The rows of one village and term are
/// gathered and written as the whole term, as <c>PUT /api/v1/villages/{code}/terms/{year}</c> does, because a
/// term written with only some of its cadres would be a half-written term: when one row of a term is rejected,
/// the term is not written and its other rows say why. Other terms go ahead.
/// </summary>
internal sealed class CadreRows(IGrainFactory grains, Caller caller, GridClock clock) : IRowImporter
{
    private const int TermsAtOnce = 32;
    private readonly Dictionary<(string Village, int Year), List<ImportRow>> _terms = [];

    public static IReadOnlyList<ImportColumn> Schema { get; } =
    [
        new("village", true, "village_code", "村代码", "村编码", "村级代码"),
        new("year", false, "term", "届次", "换届年份", "年度"),
        new("elected_on", true, "选举日期", "当选日期", "换届日期"),
        new("name", true, "姓名"),
        new("gender", true, "性别"),
        new("birth_date", true, "出生日期", "出生年月"),
        new("education", true, "学历", "文化程度"),
        new("party_member", true, "是否党员", "党员", "政治面貌"),
        new("roles", true, "role", "职务"),
    ];

    private static readonly Dictionary<string, string> Genders = new() { ["男"] = "male", ["女"] = "female", ["Male"] = "male", ["Female"] = "female" };

    private static readonly Dictionary<string, string> Educations = new()
    {
        ["小学"] = "primary", ["初中"] = "junior", ["高中"] = "senior", ["中专"] = "vocational", ["职高"] = "vocational", ["中专/职高"] = "vocational",
        ["中技"] = "vocational", ["大专"] = "college", ["专科"] = "college", ["本科"] = "bachelor", ["大学本科"] = "bachelor", ["大学"] = "bachelor",
        ["硕士"] = "master", ["研究生"] = "master", ["博士"] = "doctorate",
    };

    private static readonly Dictionary<string, string> RoleNames = new()
    {
        ["书记"] = "branchSecretary", ["村党组织书记"] = "branchSecretary", ["党支部书记"] = "branchSecretary", ["支部书记"] = "branchSecretary", ["党委书记"] = "branchSecretary",
        ["副书记"] = "branchDeputySecretary", ["村党组织副书记"] = "branchDeputySecretary", ["党支部副书记"] = "branchDeputySecretary",
        ["支委"] = "branchCommitteeMember", ["支委委员"] = "branchCommitteeMember", ["党支部委员"] = "branchCommitteeMember",
        ["主任"] = "villageDirector", ["村委会主任"] = "villageDirector", ["村主任"] = "villageDirector", ["居委会主任"] = "villageDirector",
        ["副主任"] = "villageDeputyDirector", ["村委会副主任"] = "villageDeputyDirector",
        ["委员"] = "villageCommitteeMember", ["村委委员"] = "villageCommitteeMember", ["村委会委员"] = "villageCommitteeMember",
    };

    public IReadOnlyList<ImportColumn> Columns => Schema;

    public Task Add(ImportRow row, ImportResults results)
    {
        var text = row["village"];
        if (!VillageCode.TryParse(text, out var village, out var error))
        {
            results.Reject(row.Number, text, "village", error);
            return Task.CompletedTask;
        }
        if (!caller.Covers(village.ToString()))
        {
            results.Reject(row.Number, village.ToString(), "village", "is outside this key's jurisdiction");
            return Task.CompletedTask;
        }
        int year;
        if (row["year"] is { } yearText)
        {
            if (!int.TryParse(yearText.TrimEnd('年'), NumberStyles.None, CultureInfo.InvariantCulture, out year))
            {
                results.Reject(row.Number, village.ToString(), "year", "must be the term's year YYYY");
                return Task.CompletedTask;
            }
        }
        else if (ImportValues.Date(row["elected_on"]) is { Length: >= 4 } elected && int.TryParse(elected[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var y))
        {
            year = y;
        }
        else
        {
            results.Reject(row.Number, village.ToString(), "year", "is required when elected_on does not give it");
            return Task.CompletedTask;
        }
        var key = (village.ToString(), year);
        if (!_terms.TryGetValue(key, out var rows))
        {
            _terms[key] = rows = [];
        }
        rows.Add(row);
        return Task.CompletedTask;
    }

    public async Task Finish(ImportResults results)
    {
        foreach (var chunk in _terms.Chunk(TermsAtOnce))
        {
            await Task.WhenAll(chunk.Select(t => Term(t.Key.Village, t.Key.Year, t.Value, results)));
        }
    }

    private async Task Term(string villageText, int year, List<ImportRow> rows, ImportResults results)
    {
        var key = $"{villageText}/{year}";
        var village = new VillageCode(UnitCode.Parse(villageText));
        var electedOn = rows.Select(r => ImportValues.Date(r["elected_on"])).Distinct().ToArray();
        if (electedOn.Length > 1)
        {
            RejectAll(rows, key, "elected_on", $"differs between the rows of term {key}: each cadre of a term was elected on the same day", results);
            return;
        }
        var cadres = rows.Select(r => new CadreInput(
            r["name"],
            ImportValues.Map(r["gender"], Genders)?.ToLowerInvariant(),
            ImportValues.Date(r["birth_date"]),
            ImportValues.Map(r["education"], Educations)?.ToLowerInvariant(),
            PartyMember(r["party_member"]),
            ImportValues.List(r["roles"]).Select(role => ImportValues.Map(role, RoleNames)).ToArray())).ToArray();
        var errors = new ValidationErrors();
        var term = new TermInput(electedOn[0], cadres).Validate(errors, year, Grains.Stats.StatsCalendar.Day(clock.GetUtcNow()));
        if (term is not { } t || !errors.IsEmpty)
        {
            RejectTerm(rows, key, errors, results);
            return;
        }
        if (!await grains.GetUnit(village).IsRegistered())
        {
            RejectAll(rows, key, "village", $"no village {village} is registered", results);
            return;
        }
        var leadership = grains.GetVillageLeadership(village);
        var existing = await leadership.GetTerm(year);
        string outcome;
        if (existing is not null && existing.ElectedOn == t.ElectedOn && SameCadres(existing.Cadres, t.Cadres))
        {
            outcome = ImportResults.Unchanged;
        }
        else
        {
            outcome = await leadership.PutTerm(new VillageTerm(year, t.ElectedOn, t.Cadres, clock.GetUtcNow())) ? ImportResults.Created : ImportResults.Updated;
        }
        foreach (var row in rows)
        {
            results.Add(new ImportRowResult(row.Number, key, outcome));
        }
    }

    /// <summary>
    /// The validator names cadres by position (cadres[2].birthDate): each error goes to its row and column. A rule of
    /// the whole term (no secretary, two directors) goes to every row; a row without an error of its own says why
    /// it was not written either.
    /// </summary>
    private static void RejectTerm(List<ImportRow> rows, string key, ValidationErrors errors, ImportResults results)
    {
        var own = rows.Select(_ => new Dictionary<string, List<string>>()).ToArray();
        var whole = new List<string>();
        foreach (var (field, rules) in errors.ToDictionary())
        {
            if (field.StartsWith("cadres[", StringComparison.Ordinal) && int.TryParse(field[7..field.IndexOf(']', StringComparison.Ordinal)], NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < rows.Count)
            {
                var rest = field[(field.IndexOf(']', StringComparison.Ordinal) + 1)..].TrimStart('.');
                var column = Column(rest);
                if (!own[i].TryGetValue(column, out var list))
                {
                    own[i][column] = list = [];
                }
                list.AddRange(rules.Select(r => r.Replace("cadres[", "row of cadres[", StringComparison.Ordinal)));
            }
            else
            {
                whole.AddRange(rules.Select(r => $"{Column(field)}: {r}"));
            }
        }
        var bad = rows.Where((_, i) => own[i].Count > 0).Select(r => r.Number.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var errorsOfRow = own[i].ToDictionary(e => e.Key, e => e.Value.ToArray());
            if (whole.Count > 0)
            {
                errorsOfRow["term"] = [.. whole];
            }
            if (errorsOfRow.Count == 0)
            {
                errorsOfRow["term"] = [$"term {key} was not written: a term is written whole, and row {string.Join(", ", bad)} was rejected"];
            }
            results.Reject(rows[i].Number, key, errorsOfRow);
        }
    }

    private static void RejectAll(List<ImportRow> rows, string key, string column, string rule, ImportResults results)
    {
        foreach (var row in rows)
        {
            results.Reject(row.Number, key, column, rule);
        }
    }

    private static string Column(string field) => field switch
    {
        "" => "name",
        "birthDate" => "birth_date",
        "partyMember" => "party_member",
        "electedOn" => "elected_on",
        var f when f.StartsWith("roles", StringComparison.Ordinal) => "roles",
        var f => f,
    };

    private static bool? PartyMember(string? text) => text switch
    {
        null => null,
        "中共党员" or "党员" or "中共预备党员" or "预备党员" => true,
        "群众" or "非党员" or "无党派" or "无党派人士" => false,
        _ => ImportValues.Boolean(text),
    };

    private static bool SameCadres(IReadOnlyList<Cadre> a, IReadOnlyList<Cadre> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Gender == p.Second.Gender
            && p.First.BirthDate == p.Second.BirthDate && p.First.Education == p.Second.Education
            && p.First.PartyMember == p.Second.PartyMember && p.First.Roles.SequenceEqual(p.Second.Roles));
}
