using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>The body of <c>PUT /api/v1/villages/{code}/terms/{year}/filing</c> (县级党委备案), as sent.</summary>
public sealed record FilingInput(string? Status, string? FiledOn = null, string? Note = null)
{
    /// <summary>Checks the decision on a secretary elected on <paramref name="electedOn"/>.</summary>
    public FilingDecision? Validate(ValidationErrors errors, DateOnly electedOn, DateOnly today, DateTimeOffset now)
    {
        FilingStatus? status = null;
        if (!EnumNames.TryParse<FilingStatus>(Status, out var s))
        {
            errors.Add("status", EnumNames.Rule<FilingStatus>(Status));
        }
        else
        {
            status = s;
        }
        var filedOn = LeadershipRules.Date(errors, "filedOn", FiledOn, "the date of the decision", required: false);
        if (status is FilingStatus.Pending && FiledOn is not null)
        {
            errors.Add("filedOn", "must be left out while the filing is pending");
        }
        else if (status is not (null or FilingStatus.Pending) && FiledOn is null)
        {
            errors.Add("filedOn", "is required: the date of the decision as YYYY-MM-DD");
        }
        else if (filedOn is { } on && on < electedOn)
        {
            errors.Add("filedOn", $"must not be before the election on {electedOn:yyyy-MM-dd}");
        }
        else if (filedOn > today)
        {
            errors.Add("filedOn", $"must not be in the future (today is {today:yyyy-MM-dd})");
        }
        var note = Rules.OptionalText(errors, "note", Note, 500, multiline: true);
        return errors.IsEmpty ? new FilingDecision(status!.Value, filedOn, note, now) : null;
    }
}

/// <summary>The body of <c>PUT /api/v1/counties/{code}/trainings/{year}/sessions/{id}</c>, as sent.</summary>
public sealed record TrainingSessionInput(string? Title, string? HeldOn, [property: References(ReferenceKind.Unit)] IReadOnlyList<string?>? Attendees)
{
    public const int MaxAttendees = 2000;

    /// <summary>
    /// Checks the session against the secretaries in office in <paramref name="year"/> (village code → record):
    /// an attendee is named by the village whose secretary attended.
    /// </summary>
    public (string Title, DateOnly HeldOn, IReadOnlyList<TrainingAttendee> Attendees)? Validate(
        ValidationErrors errors, CountyCode county, int year, DateOnly today, IReadOnlyDictionary<string, SecretaryRecord> inOffice)
    {
        var title = Rules.RequiredText(errors, "title", Title, 200);
        var heldOn = LeadershipRules.Date(errors, "heldOn", HeldOn, "the day the session began");
        if (heldOn is { } on && on.Year != year)
        {
            errors.Add("heldOn", $"must fall within the year {year}");
        }
        else if (heldOn > today)
        {
            errors.Add("heldOn", $"must not be in the future: attendance is recorded once the session is held (today is {today:yyyy-MM-dd})");
        }
        var attendees = new List<TrainingAttendee>();
        if (Attendees is null || Attendees.Count == 0)
        {
            errors.Add("attendees", "is required: the codes of the villages whose secretaries attended");
        }
        else if (Attendees.Count > MaxAttendees)
        {
            errors.Add("attendees", $"must have at most {MaxAttendees} entries");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Attendees.Count; i++)
            {
                var field = $"attendees[{i}]";
                if (!VillageCode.TryParse(Attendees[i], out var village, out var error))
                {
                    errors.Add(field, error);
                }
                else if (!county.Code.Contains(village))
                {
                    errors.Add(field, $"must be a village of the county {county}");
                }
                else if (!seen.Add(village.ToString()))
                {
                    errors.Add(field, "must not repeat a village");
                }
                else if (!inOffice.TryGetValue(village.ToString(), out var record))
                {
                    errors.Add(field, $"has no branchSecretary on record for a term in or before {year}");
                }
                else
                {
                    attendees.Add(new TrainingAttendee(record.Village, record.Secretary.Name, record.Secretary.BirthDate));
                }
            }
        }
        return errors.IsEmpty ? (title!, heldOn!.Value, attendees) : null;
    }
}

/// <summary>The body of <c>PUT /api/v1/villages/{code}/assessments/{year}</c> (班子整体研判), as sent.</summary>
public sealed record AssessmentInput(string? Rating, string? Notes = null, string? AssessedBy = null)
{
    public TeamAssessment? Validate(ValidationErrors errors, DateTimeOffset now)
    {
        AssessmentRating? rating = null;
        if (!EnumNames.TryParse<AssessmentRating>(Rating, out var r))
        {
            errors.Add("rating", $"{EnumNames.Rule<AssessmentRating>(Rating)} (好, 较好, 一般, 较差)");
        }
        else
        {
            rating = r;
        }
        var notes = Rules.OptionalText(errors, "notes", Notes, 4000, multiline: true);
        var by = Rules.OptionalText(errors, "assessedBy", AssessedBy);
        return errors.IsEmpty ? new TeamAssessment(rating!.Value, notes, by, now) : null;
    }
}
