using GridActors.Grains.Issues;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.GridStaff;

/// <summary>
/// The body of <c>PUT /api/v1/grids/{code}/leader</c> and <c>POST /api/v1/grids/{code}/workers</c>: a person linked to a
/// Party member (<see cref="MemberId"/>), to a cadre of the village's term (<see cref="Cadre"/>), to both, or standing alone
/// (<see cref="Name"/> and <see cref="Phone"/>).
/// </summary>
public sealed record GridPersonInput(
    [property: References(ReferenceKind.Member)] string? MemberId = null,
    CadreLinkInput? Cadre = null,
    string? Name = null,
    string? Phone = null,
    string? Kind = null,
    string? Note = null)
{
    /// <summary>Checks the input; <paramref name="worker"/> when it names a worker (who has a kind), not the leader.</summary>
    public GridPerson? Validate(bool worker, ValidationErrors errors)
    {
        Guid? memberId = null;
        if (MemberId is not null)
        {
            if (Guid.TryParse(MemberId, out var id))
            {
                memberId = id;
            }
            else
            {
                errors.Add("memberId", "must be a member id (a GUID)");
            }
        }
        CadreLink? cadre = null;
        if (Cadre is not null)
        {
            var cadreName = Rules.RequiredText(errors, "cadre.name", Cadre.Name, 50);
            if (Cadre.Term is < 1949 or > 2200)
            {
                errors.Add("cadre.term", "must be the election year of a term (换届), such as 2021; leave it out for the latest term");
            }
            cadre = cadreName is null ? null : new CadreLink(Cadre.Term ?? 0, cadreName);
        }
        string? name = null;
        if (MemberId is null && Cadre is null)
        {
            // Standing alone: the name and phone are the only record of the person, so both are needed.
            name = Rules.RequiredText(errors, "name", Name, 50);
            if (Phone is null)
            {
                errors.Add("phone", "is required for a person who is neither a Party member (memberId) nor a cadre (cadre)");
            }
        }
        else if (Name is not null)
        {
            errors.Add("name", "is read from the linked record (memberId or cadre): leave it out");
        }
        var phone = Phone is null ? null : Rules.Phone(errors, "phone", Phone);
        WorkerKind? kind = null;
        if (worker)
        {
            if (EnumNames.TryParse<WorkerKind>(Kind, out var k))
            {
                kind = k;
            }
            else
            {
                errors.Add("kind", $"{EnumNames.Rule<WorkerKind>(Kind)} (专职 / 兼职网格员)");
            }
        }
        else if (Kind is not null)
        {
            errors.Add("kind", "applies to grid workers (网格员), not to the grid leader");
        }
        var note = Rules.OptionalText(errors, "note", Note, 200);
        return errors.IsEmpty ? new GridPerson(Guid.Empty, "", name ?? "", phone, memberId, cadre, kind, note, default, null, null) : null;
    }
}

/// <summary>A cadre of the grid's village: the name as the term records it; the term's election year, or the latest term.</summary>
public sealed record CadreLinkInput(string? Name, int? Term = null);

/// <summary>The body of <c>POST /api/v1/grids/{code}/visits</c>: a survey visit (摸排) to a household or a place.</summary>
public sealed record SurveyVisitInput(
    [property: References(ReferenceKind.GridWorker)] string? WorkerId,
    string? Date = null,
    [property: References(ReferenceKind.Household)] string? HouseholdId = null,
    string? Place = null,
    string? Note = null,
    IReadOnlyList<string?>? Findings = null)
{
    public const int MaxFindings = 20;

    /// <summary>Checks the input; <paramref name="today"/> is today in China. The worker and household are checked by the grid.</summary>
    public SurveyVisit? Validate(DateOnly today, ValidationErrors errors)
    {
        Guid workerId = default;
        if (WorkerId is null)
        {
            errors.Add("workerId", "is required: the id of the grid worker (网格员) who visited");
        }
        else if (!Guid.TryParse(WorkerId, out workerId))
        {
            errors.Add("workerId", "must be a worker id (a GUID) of GET /api/v1/grids/{code}/workers");
        }
        var date = today;
        if (Date is not null && !PartyCalendar.TryParseDate(Date, out date))
        {
            errors.Add("date", "must be a date YYYY-MM-DD");
        }
        else if (date > today)
        {
            errors.Add("date", $"must not be in the future (today is {PartyCalendar.Text(today)} in China)");
        }
        else if (date < today.AddYears(-1))
        {
            errors.Add("date", "must be within the last year");
        }
        Guid? household = null;
        if (HouseholdId is not null)
        {
            if (Guid.TryParse(HouseholdId, out var id))
            {
                household = id;
            }
            else
            {
                errors.Add("householdId", "must be a household id (a GUID) of this grid");
            }
        }
        var place = Rules.OptionalText(errors, "place", Place, 200);
        if ((HouseholdId is null) == (Place is null))
        {
            errors.Add(HouseholdId is null ? "householdId" : "place", "a visit goes to one household (householdId) or one place (place): give exactly one");
        }
        var note = Rules.OptionalText(errors, "note", Note, 2000, multiline: true);
        var findings = new List<SurveyFinding>();
        if (Findings is { Count: > MaxFindings })
        {
            errors.Add("findings", $"must have at most {MaxFindings} entries");
        }
        else if (Findings is not null)
        {
            for (var i = 0; i < Findings.Count; i++)
            {
                if (Rules.RequiredText(errors, $"findings[{i}]", Findings[i], 1000) is { } text)
                {
                    findings.Add(new SurveyFinding(i + 1, text, null));
                }
            }
        }
        return errors.IsEmpty
            ? new SurveyVisit(Guid.Empty, "", workerId, "", date, household, place, note, findings, default, null, null)
            : null;
    }
}

/// <summary>
/// The body of <c>POST /api/v1/grids/{code}/visits/{id}/findings/{n}/report</c>: the finding as an issue. The reporter is
/// the resident who raised the problem during the visit (群众反映), when there is one: the issue then carries them as any
/// reported issue does (personal data, for the call-back 回访), and the visit's worker stays who found it.
/// </summary>
public sealed record FindingReportInput(string? Category, string? Title = null, ReporterInput? Reporter = null);
