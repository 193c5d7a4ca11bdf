using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Validation;

namespace GridActors.Grains.PartyBranches;

/// <summary>The body of <c>POST /api/v1/villages/{code}/branch-meetings</c>, as sent.</summary>
public sealed record MeetingInput(
    string? Date,
    string? Topic,
    IReadOnlyList<AttendeeInput?>? Attendees,
    IReadOnlyList<string?>? GroupLeaders = null,
    string? Notes = null,
    string? By = null)
{
    public BranchMeeting? Validate(DateOnly today, ValidationErrors errors)
    {
        DateOnly date = default;
        if (Date is null)
        {
            errors.Add("date", "is required: the day of the meeting, YYYY-MM-DD");
        }
        else if (!PartyCalendar.TryParseDate(Date, out date))
        {
            errors.Add("date", "must be a date YYYY-MM-DD");
        }
        else if (date > today)
        {
            errors.Add("date", $"must not be in the future (today is {PartyCalendar.Text(today)} in China)");
        }
        var topic = Rules.RequiredText(errors, "topic", Topic, 200);
        var attendees = new List<MeetingAttendee>();
        if (Attendees is null || Attendees.Count == 0)
        {
            errors.Add("attendees", "is required: the branch committee members (支委) who attended, at least one");
        }
        else if (Attendees.Count > 50)
        {
            errors.Add("attendees", "must have at most 50 entries");
        }
        else
        {
            for (var i = 0; i < Attendees.Count; i++)
            {
                if (Attendees[i] is not { } a)
                {
                    errors.Add($"attendees[{i}]", "must be an object with name and role");
                    continue;
                }
                var name = Rules.RequiredText(errors, $"attendees[{i}].name", a.Name, 50);
                var role = Rules.OptionalText(errors, $"attendees[{i}].role", a.Role, 50);
                if (name is not null)
                {
                    attendees.Add(new MeetingAttendee(name, role));
                }
            }
        }
        var leaders = new List<NonVotingAttendee>();
        if (GroupLeaders is { Count: > 50 })
        {
            errors.Add("groupLeaders", "must have at most 50 entries");
        }
        else if (GroupLeaders is not null)
        {
            for (var i = 0; i < GroupLeaders.Count; i++)
            {
                if (!Guid.TryParse(GroupLeaders[i], out var id))
                {
                    errors.Add($"groupLeaders[{i}]", "must be the member id of a Party group leader (a GUID)");
                }
                else if (leaders.Exists(l => l.MemberId == id))
                {
                    errors.Add($"groupLeaders[{i}]", "must not repeat a leader");
                }
                else
                {
                    leaders.Add(new NonVotingAttendee(id, "", ""));
                }
            }
        }
        var notes = Rules.OptionalText(errors, "notes", Notes, 4000, multiline: true);
        var by = Rules.OptionalText(errors, "by", By);
        return errors.IsEmpty ? new BranchMeeting(Guid.Empty, date, topic!, attendees, leaders, notes, default, by, null) : null;
    }
}

public sealed record AttendeeInput(string? Name, string? Role = null);
