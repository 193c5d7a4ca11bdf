using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyBranches;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.PartyTasks;

internal sealed partial class PartyTaskGrain(
    [PersistentState("party-task", StorageNames.Grains)] IPersistentState<PartyTaskState> state,
    GridClock clock,
    ILogger<PartyTaskGrain> logger) : Grain, IPartyTaskGrain
{
    private Guid Id => this.GetPrimaryKey();

    private DateTimeOffset DueEnd => PartyCalendar.EndOf(state.State.Due);

    public async Task<PartyResult<PartyTaskView>> Create(NewPartyTask task)
    {
        var s = state.State;
        if (s.Exists)
        {
            // The actor is not compared: the task's id comes from the caller-scoped Idempotency-Key, so a retry that
            // lands here comes from the caller who created it.
            return task.Fingerprint is not null && task.Fingerprint == s.Fingerprint ? PartyResult.Ok(View()) : PartyResult.Mismatch<PartyTaskView>();
        }
        if (!await GrainFactory.GetUnit(UnitCode.Parse(task.Village)).IsRegistered())
        {
            return PartyResult.NotFound<PartyTaskView>($"No village {task.Village} is registered.");
        }
        var groups = await Task.WhenAll(task.Grids.Select(g => GrainFactory.GetPartyGroup(g).Get()));
        for (var i = 0; i < groups.Length; i++)
        {
            if (groups[i] is null)
            {
                return PartyResult.Invalid<PartyTaskView>($"groups[{i}]", $"grid {task.Grids[i]} has no Party group set up");
            }
        }
        var now = clock.GetUtcNow();
        s.Exists = true;
        s.Village = task.Village;
        s.Title = task.Title;
        s.Description = task.Description;
        s.Due = task.Due;
        s.Groups = task.Grids.Select(g => new TaskGroupShare(g, PartyTaskStatus.Assigned, [])).ToList();
        s.AssignedBy = task.By;
        s.Actor = task.Actor;
        s.AssignedAt = now;
        s.Fingerprint = task.Fingerprint;
        s.Version = 1;
        await Save();
        await Schedule(DueEnd);
        await Announce();
        return PartyResult.Ok(View(), created: true);
    }

    public Task<PartyTaskView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task<PartyResult<PartyTaskView>> Split(string grid, Guid by, IReadOnlyList<PartAssignment> parts, Actor? actor = null)
    {
        var s = state.State;
        if (FindShare(grid) is not { } index)
        {
            return PartyResult.NotFound<PartyTaskView>(s.Exists ? $"Task {Id} was not handed to the Party group of grid {grid}." : $"No task {Id} exists.");
        }
        var share = s.Groups[index];
        if (share.Status == PartyTaskStatus.Done)
        {
            return PartyResult.Conflict<PartyTaskView>($"The share of grid {grid} is already done; there is nothing left to split.");
        }
        var group = await GrainFactory.GetPartyGroup(grid).Get();
        if (group is null)
        {
            return PartyResult.Conflict<PartyTaskView>($"Grid {grid} has no Party group set up.");
        }
        if (group.LeaderId != by)
        {
            return PartyResult.Invalid<PartyTaskView>("by",
                $"only the leader of the Party group of grid {grid} ({group.LeaderName}, {group.LeaderId}) splits its share among members (组长分解任务)");
        }
        var roster = group.Members.ToDictionary(m => m.MemberId);
        var kept = share.Parts.Where(p => p.Done).ToList();
        var parts2 = new List<TaskPart>(kept);
        for (var i = 0; i < parts.Count; i++)
        {
            if (!roster.TryGetValue(parts[i].MemberId, out var member))
            {
                return PartyResult.Invalid<PartyTaskView>($"parts[{i}].memberId", $"member {parts[i].MemberId} is not a member of the Party group of grid {grid}");
            }
            if (kept.Exists(p => p.MemberId == member.MemberId))
            {
                return PartyResult.Invalid<PartyTaskView>($"parts[{i}].memberId", $"{member.Name} already reported a part of this task done");
            }
            parts2.Add(new TaskPart(member.MemberId, member.Name, parts[i].Work));
        }
        var now = clock.GetUtcNow();
        var split = share with { Parts = parts2, SplitBy = by, SplitAt = now, Actor = actor };
        s.Groups[index] = split with { Status = TaskRollup.Of(split) };
        Roll(now);
        await Save();
        await Announce();
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<PartyTaskView>> ReportDone(string grid, Guid memberId, string note, IReadOnlyList<Evidence> evidence, Actor? actor = null)
    {
        var s = state.State;
        if (FindShare(grid) is not { } index)
        {
            return PartyResult.NotFound<PartyTaskView>(s.Exists ? $"Task {Id} was not handed to the Party group of grid {grid}." : $"No task {Id} exists.");
        }
        var share = s.Groups[index];
        var p = share.Parts.ToList().FindIndex(x => x.MemberId == memberId);
        if (p < 0)
        {
            return PartyResult.NotFound<PartyTaskView>($"Member {memberId} has no part of task {Id} in grid {grid}; the group leader splits the share first.");
        }
        if (share.Parts[p].Done)
        {
            return PartyResult.Conflict<PartyTaskView>($"{share.Parts[p].MemberName} already reported this part done at {share.Parts[p].DoneAt:u}.");
        }
        var now = clock.GetUtcNow();
        var parts = share.Parts.ToArray();
        parts[p] = parts[p] with { Done = true, DoneAt = now, Note = note, Evidence = evidence, DoneLate = now >= DueEnd, Actor = actor };
        var updated = share with { Parts = parts };
        var status = TaskRollup.Of(updated);
        s.Groups[index] = updated with { Status = status, DoneAt = status == PartyTaskStatus.Done ? now : null };
        Roll(now);
        await Save();
        await Announce();
        return PartyResult.Ok(View());
    }

    public async Task WakeUp()
    {
        var s = state.State;
        if (!s.Exists)
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (!s.Overdue && s.DoneAt is null && now >= DueEnd)
        {
            s.Overdue = true;
            s.OverdueAt = now;
            for (var i = 0; i < s.Groups.Count; i++)
            {
                if (s.Groups[i].Status != PartyTaskStatus.Done)
                {
                    s.Groups[i] = s.Groups[i] with { Overdue = true };
                }
            }
            s.Version++;
            await Save();
            GridActors.Grains.Telemetry.GridTelemetry.TasksOverdue.Add(1);
        }
        if (s.Overdue)
        {
            // Raised again on every wake-up until it lands; the branch keeps one per task and grid.
            var warnings = s.Groups.Where(g => g.Overdue).Select(g => new PartyWarning(PartyWarningKind.TaskOverdue, g.Grid, null, Id,
                $"Task '{s.Title}' was due {PartyCalendar.Text(s.Due)}; the Party group of grid {g.Grid} had not finished its share.", s.OverdueAt!.Value)).ToArray();
            try
            {
                await Branch().AddWarnings(warnings);
            }
            catch (Exception e)
            {
                LogAnnounceFailed(logger, e, Id);
                await Schedule(now.AddMinutes(1));
                return;
            }
        }
        await Announce();
    }

    private int? FindShare(string grid)
    {
        var i = state.State.Groups.FindIndex(g => g.Grid == grid);
        return state.State.Exists && i >= 0 ? i : null;
    }

    private void Roll(DateTimeOffset now)
    {
        var s = state.State;
        var done = TaskRollup.Of(s.Groups) == PartyTaskStatus.Done;
        s.DoneAt = done ? s.DoneAt ?? now : null;
        s.Version++;
    }

    private IVillageBranchGrain Branch() => GrainFactory.GetGrain<IVillageBranchGrain>(state.State.Village);

    /// <summary>Tells the village branch the latest summary; if that fails, a wake-up a minute later tells it again.</summary>
    private async Task Announce()
    {
        try
        {
            await Branch().TaskChanged(Summary());
        }
        catch (Exception e)
        {
            LogAnnounceFailed(logger, e, Id);
            await Schedule(clock.GetUtcNow().AddMinutes(1));
        }
    }

    private async Task Schedule(DateTimeOffset at)
    {
        try
        {
            await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.PartyTask, Id.ToString()), at);
        }
        catch (Exception e)
        {
            LogScheduleFailed(logger, e, Id, at);
        }
    }

    private async Task Save()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private bool OverdueNow => state.State.Overdue || (state.State.DoneAt is null && clock.GetUtcNow() >= DueEnd);

    private PartyTaskView View()
    {
        var s = state.State;
        var overdue = OverdueNow;
        return new PartyTaskView(Id, s.Village, s.Title, s.Description, s.Due, TaskRollup.Of(s.Groups), overdue, s.OverdueAt,
            s.Groups.Select(g => g with { Overdue = g.Overdue || (overdue && g.Status != PartyTaskStatus.Done) }).ToArray(),
            s.AssignedBy, s.AssignedAt, s.DoneAt, s.Version, s.Actor);
    }

    private TaskSummary Summary()
    {
        var v = View();
        return new TaskSummary(v.Id, v.Title, v.Due, v.Status, v.Overdue,
            v.Groups.Select(g => new TaskGroupSummary(g.Grid, g.Status, g.Parts.Count(p => p.Done), g.Parts.Count, g.Overdue)).ToArray(),
            v.AssignedAt, v.DoneAt, v.Version);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: its village branch could not be told; retried by a wake-up")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, Guid taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId}: a wake-up at {At} could not be scheduled")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, Guid taskId, DateTimeOffset at);
}
