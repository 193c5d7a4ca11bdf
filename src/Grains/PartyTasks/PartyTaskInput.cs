using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Grains.PartyTasks;

/// <summary>The body of <c>POST /api/v1/villages/{code}/party-tasks</c>, as sent.</summary>
public sealed record PartyTaskInput(string? Title, string? Description, string? Due, [property: References(ReferenceKind.Unit)] IReadOnlyList<string?>? Groups, string? By = null)
{
    public const int MaxGroups = 50;

    public NewPartyTask? Validate(VillageCode village, DateOnly today, ValidationErrors errors)
    {
        var title = Rules.RequiredText(errors, "title", Title, 200);
        var description = Rules.OptionalText(errors, "description", Description, 4000, multiline: true);
        DateOnly due = default;
        if (Due is null)
        {
            errors.Add("due", "is required: the last day for the task, YYYY-MM-DD");
        }
        else if (!PartyCalendar.TryParseDate(Due, out due))
        {
            errors.Add("due", "must be a date YYYY-MM-DD");
        }
        else if (due < today)
        {
            errors.Add("due", $"must not be before today ({PartyCalendar.Text(today)} in China)");
        }
        else if (due > today.AddYears(1))
        {
            errors.Add("due", "must be within a year");
        }
        var grids = new List<string>();
        if (Groups is null || Groups.Count == 0)
        {
            errors.Add("groups", "is required: the grid codes of the Party groups the task goes to, at least one");
        }
        else if (Groups.Count > MaxGroups)
        {
            errors.Add("groups", $"must have at most {MaxGroups} entries");
        }
        else
        {
            for (var i = 0; i < Groups.Count; i++)
            {
                if (!GridCode.TryParse(Groups[i], out var grid, out var error))
                {
                    errors.Add($"groups[{i}]", error);
                }
                else if (grid.Village != village)
                {
                    errors.Add($"groups[{i}]", $"must be a grid of village {village}: a branch hands tasks to its own groups");
                }
                else if (grids.Contains(grid.ToString()))
                {
                    errors.Add($"groups[{i}]", "must not repeat a group");
                }
                else
                {
                    grids.Add(grid.ToString());
                }
            }
        }
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new NewPartyTask(village.ToString(), title!, description, due, grids, by, null) : null;
    }
}

/// <summary>The body of a split: the leader's member id and each member's part.</summary>
public sealed record SplitInput([property: References(ReferenceKind.Member)] string? By, IReadOnlyList<PartInput?>? Parts)
{
    public (Guid By, IReadOnlyList<PartAssignment> Parts)? Validate(ValidationErrors errors)
    {
        Guid by = default;
        if (!Guid.TryParse(By, out by))
        {
            errors.Add("by", "is required: the member id of the group leader (党小组组长) who splits the task");
        }
        var parts = new List<PartAssignment>();
        if (Parts is null || Parts.Count == 0)
        {
            errors.Add("parts", "is required: at least one member's part (memberId, work)");
        }
        else if (Parts.Count > 200)
        {
            errors.Add("parts", "must have at most 200 entries");
        }
        else
        {
            for (var i = 0; i < Parts.Count; i++)
            {
                if (Parts[i] is not { } part)
                {
                    errors.Add($"parts[{i}]", "must be an object with memberId and work");
                    continue;
                }
                if (!Guid.TryParse(part.MemberId, out var member))
                {
                    errors.Add($"parts[{i}].memberId", "must be a member id (a GUID)");
                }
                else if (parts.Exists(p => p.MemberId == member))
                {
                    errors.Add($"parts[{i}].memberId", "must not repeat a member: give one part per member");
                }
                var work = Rules.RequiredText(errors, $"parts[{i}].work", part.Work, 1000);
                if (work is not null && member != Guid.Empty)
                {
                    parts.Add(new PartAssignment(member, work));
                }
            }
        }
        return errors.IsEmpty ? (by, parts) : null;
    }
}

public sealed record PartInput([property: References(ReferenceKind.Member)] string? MemberId, string? Work);

/// <summary>The body of a member's report that its part is done.</summary>
public sealed record DoneInput(string? Note, IReadOnlyList<EvidenceInput?>? Evidence);
