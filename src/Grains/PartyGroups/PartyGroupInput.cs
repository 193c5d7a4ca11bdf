using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Vocabulary;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Grains.PartyGroups;

/// <summary>The body of <c>PUT /api/v1/grids/{code}/party-group</c>, as sent.</summary>
public sealed record PartyGroupInput([property: References(ReferenceKind.Member)] string? LeaderId, ActivityCenterInput? ActivityCenter, IReadOnlyList<InstructorInput?>? Instructors)
{
    /// <summary>Checks the input for the group of <paramref name="grid"/>; the leader's membership is checked by the group.</summary>
    public GroupSetup? Validate(GridCode grid, ValidationErrors errors)
    {
        Guid leader = default;
        if (LeaderId is null)
        {
            errors.Add("leaderId", "is required: the member id of the group leader (党小组组长), a member of this group");
        }
        else if (!Guid.TryParse(LeaderId, out leader))
        {
            errors.Add("leaderId", "must be a member id (a GUID)");
        }

        ActivityCenter? center = null;
        if (ActivityCenter is null)
        {
            errors.Add("activityCenter", "is required: where the group meets (活动中心), usually the leader's home");
        }
        else
        {
            var address = Rules.RequiredText(errors, "activityCenter.address", ActivityCenter.Address, 200);
            var name = Rules.OptionalText(errors, "activityCenter.name", ActivityCenter.Name);
            center = address is null ? null : new ActivityCenter(address, ActivityCenter.AtLeaderHome ?? false, name);
        }

        var township = grid.Village.Code.Parent!.Value.Value;
        var village = grid.Village.ToString();
        var rule = $"must be exactly two instructors (指导员): one cadre of the township Party committee (unit {township}) and one of the village branch (unit {village})";
        var instructors = new List<Instructor>();
        if (Instructors is null || Instructors.Count != 2)
        {
            errors.Add("instructors", $"{rule}; {Instructors?.Count ?? 0} given");
        }
        else
        {
            for (var i = 0; i < Instructors.Count; i++)
            {
                if (Instructors[i] is not { } input)
                {
                    errors.Add($"instructors[{i}]", "must be an object with name, phone and unit");
                    continue;
                }
                // A linked cadre's name is read from the term's record when the group is set up; a name typed too must be that name.
                var name = input.Cadre is not null && input.Name is null ? "" : Rules.RequiredText(errors, $"instructors[{i}].name", input.Name, 50);
                var phone = Rules.Phone(errors, $"instructors[{i}].phone", input.Phone);
                var title = Rules.OptionalText(errors, $"instructors[{i}].title", input.Title, 50);
                InstructorFrom? from = input.Unit?.Trim() == township ? InstructorFrom.TownshipCommittee
                    : input.Unit?.Trim() == village ? InstructorFrom.VillageBranch
                    : null;
                if (from is null)
                {
                    errors.Add($"instructors[{i}].unit", $"must be {township} (the township Party committee, 乡镇党委) or {village} (the village branch, 村党支部) of this grid");
                }
                GridStaff.CadreLink? cadre = null;
                if (input.Cadre is not null)
                {
                    var cadreName = Rules.RequiredText(errors, $"instructors[{i}].cadre.name", input.Cadre.Name, 50);
                    if (input.Cadre.Term is < 1949 or > 2200)
                    {
                        errors.Add($"instructors[{i}].cadre.term", "must be the election year of a term (换届), such as 2021; leave it out for the latest term");
                    }
                    if (from == InstructorFrom.TownshipCommittee)
                    {
                        errors.Add($"instructors[{i}].cadre", "links a cadre of the village's term; township cadres have no records yet: give the name and phone");
                    }
                    cadre = cadreName is null ? null : new GridStaff.CadreLink(input.Cadre.Term ?? 0, cadreName);
                }
                if (name is not null && phone is not null && from is { } f)
                {
                    instructors.Add(new Instructor(name, phone, input.Unit!.Trim(), f, title, cadre));
                }
            }
            if (instructors.Count == 2 && instructors[0].From == instructors[1].From)
            {
                errors.Add("instructors", $"{rule}; both are from the {(instructors[0].From == InstructorFrom.TownshipCommittee ? "township Party committee" : "village branch")}");
            }
        }
        return errors.IsEmpty ? new GroupSetup(leader, center!, instructors) : null;
    }
}

public sealed record ActivityCenterInput(string? Address, bool? AtLeaderHome = null, string? Name = null);

/// <summary>An instructor (指导员) as typed; the village branch's may name their cadre record (<c>cadre</c>: name, and term, the latest when left out).</summary>
public sealed record InstructorInput(string? Name, string? Phone, string? Unit, string? Title = null, GridStaff.CadreLinkInput? Cadre = null);

/// <summary>The body of <c>POST /api/v1/grids/{code}/party-group/activities</c>, as sent.</summary>
public sealed record ActivityInput(
    string? Date,
    string? Kind,
    string? Topic,
    [property: References(ReferenceKind.Member)] IReadOnlyList<string?>? Attendees,
    IReadOnlyList<string?>? Guests = null,
    string? Notes = null,
    string? By = null)
{
    public const int MaxAttendees = 500;

    /// <summary>Checks the input; <paramref name="today"/> is today in China. Attendance is checked against the roster by the group.</summary>
    public GroupActivity? Validate(DateOnly today, ValidationErrors errors)
    {
        DateOnly date = default;
        if (Date is null)
        {
            errors.Add("date", "is required: the day the activity was held, YYYY-MM-DD");
        }
        else if (!PartyCalendar.TryParseDate(Date, out date))
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
        if (!EnumNames.TryParse<ActivityKind>(Kind, out var kind))
        {
            errors.Add("kind", $"{EnumNames.Rule<ActivityKind>(Kind)} (政策学习 / 联系群众 / 志愿服务)");
        }
        var topic = Rules.RequiredText(errors, "topic", Topic, 200);
        var attendees = new List<Guid>();
        if (Attendees is null || Attendees.Count == 0)
        {
            errors.Add("attendees", "is required: the member ids of the members who attended, at least one");
        }
        else if (Attendees.Count > MaxAttendees)
        {
            errors.Add("attendees", $"must have at most {MaxAttendees} entries");
        }
        else
        {
            for (var i = 0; i < Attendees.Count; i++)
            {
                if (!Guid.TryParse(Attendees[i], out var id))
                {
                    errors.Add($"attendees[{i}]", "must be a member id (a GUID)");
                }
                else if (attendees.Contains(id))
                {
                    errors.Add($"attendees[{i}]", "must not repeat a member");
                }
                else
                {
                    attendees.Add(id);
                }
            }
        }
        var guests = new List<string>();
        if (Guests is { Count: > 50 })
        {
            errors.Add("guests", "must have at most 50 entries");
        }
        else if (Guests is not null)
        {
            for (var i = 0; i < Guests.Count; i++)
            {
                if (Rules.RequiredText(errors, $"guests[{i}]", Guests[i], 50) is { } guest)
                {
                    guests.Add(guest);
                }
            }
        }
        var notes = Rules.OptionalText(errors, "notes", Notes, 4000, multiline: true);
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new GroupActivity(Guid.Empty, date, kind, topic!, attendees, guests, notes, default, by, null) : null;
    }
}
