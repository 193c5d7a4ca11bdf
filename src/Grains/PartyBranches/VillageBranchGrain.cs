using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;
using GridActors.Grains.Units;

namespace GridActors.Grains.PartyBranches;

internal sealed class VillageBranchGrain(
    [PersistentState("village-party-branch", StorageNames.Grains)] IPersistentState<VillageBranchState> state)
    : Grain, IVillageBranchGrain
{
    private UnitCode Village => UnitCode.Parse(this.GetPrimaryKeyString());

    public async Task TaskChanged(TaskSummary summary)
    {
        if (state.State.Tasks.TryGetValue(summary.Id, out var held) && held.Version >= summary.Version)
        {
            return;
        }
        state.State.Tasks[summary.Id] = summary;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<TaskSummary>> Tasks(string? grid) => Task.FromResult<IReadOnlyList<TaskSummary>>(state.State.Tasks.Values
        .Where(t => grid is null || t.Groups.Any(g => g.Grid == grid))
        .OrderBy(t => t.Due).ThenBy(t => t.AssignedAt).ThenBy(t => t.Id)
        .ToArray());

    public async Task AddWarnings(IReadOnlyList<PartyWarning> warnings)
    {
        var keys = state.State.Warnings.Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        var added = false;
        foreach (var warning in warnings)
        {
            if (keys.Add(warning.Key))
            {
                state.State.Warnings.Add(warning);
                added = true;
            }
        }
        if (added)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<PartyWarning>> Warnings(PartyMonth? month, PartyWarningKind? kind) =>
        Task.FromResult<IReadOnlyList<PartyWarning>>(state.State.Warnings
            .Where(w => (month is not { } m || w.Month == m.ToString() || (w.Month is null && PartyMonth.Of(w.RaisedAt) == m)) && (kind is null || w.Kind == kind))
            .OrderBy(w => w.RaisedAt).ThenBy(w => w.Grid, StringComparer.Ordinal)
            .ToArray());

    public async Task<PartyResult<BranchMeeting>> RecordMeeting(BranchMeeting meeting)
    {
        var s = state.State;
        if (s.Meetings.Find(m => m.Id == meeting.Id) is { } existing)
        {
            return meeting.Fingerprint is not null && meeting.Fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<BranchMeeting>();
        }
        if (!await GrainFactory.GetUnit(Village).IsRegistered())
        {
            return PartyResult.NotFound<BranchMeeting>($"No village {Village} is registered.");
        }
        var nonVoting = new List<NonVotingAttendee>();
        for (var i = 0; i < meeting.NonVoting.Count; i++)
        {
            var field = $"groupLeaders[{i}]";
            var id = meeting.NonVoting[i].MemberId;
            var member = await GrainFactory.GetMember(id).Get();
            if (member is null)
            {
                return PartyResult.Invalid<BranchMeeting>(field, $"no member {id} exists");
            }
            var grid = member.Details.Grid;
            if (!Village.Contains(UnitCode.Parse(grid)))
            {
                return PartyResult.Invalid<BranchMeeting>(field, $"{member.Details.Name} is a member in grid {grid}, outside village {Village}");
            }
            var group = await GrainFactory.GetPartyGroup(grid).Get();
            if (group?.LeaderId != id)
            {
                return PartyResult.Invalid<BranchMeeting>(field,
                    $"{member.Details.Name} does not lead the Party group of grid {grid}; only group leaders attend without a vote (列席). Name committee members under attendees");
            }
            nonVoting.Add(new NonVotingAttendee(id, member.Details.Name, grid));
        }
        var recorded = meeting with { NonVoting = nonVoting };
        s.Meetings.Add(recorded);
        s.Meetings.Sort((a, b) => (a.Date, a.RecordedAt).CompareTo((b.Date, b.RecordedAt)));
        await state.WriteStateAsync();
        return PartyResult.Ok(recorded, created: true);
    }

    public Task<IReadOnlyList<BranchMeeting>> Meetings(int year) =>
        Task.FromResult<IReadOnlyList<BranchMeeting>>(state.State.Meetings.Where(m => m.Date.Year == year).ToArray());

    public async Task<IReadOnlyList<LeaderAttendance>> Attendance(int year)
    {
        var village = await GrainFactory.GetUnit(Village).Get();
        var meetings = state.State.Meetings.Where(m => m.Date.Year == year).ToArray();
        var grids = (village?.Children.Select(c => c.Code) ?? [])
            .Union(meetings.SelectMany(m => m.NonVoting.Select(n => n.Grid)), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var groups = await Task.WhenAll(grids.Select(g => GrainFactory.GetPartyGroup(g).Get()));
        return grids.Select((grid, i) => new LeaderAttendance(
                grid,
                groups[i]?.LeaderId,
                groups[i]?.LeaderName,
                meetings.Count(m => m.NonVoting.Any(n => n.Grid == grid)),
                meetings.Length))
            .ToArray();
    }
}
