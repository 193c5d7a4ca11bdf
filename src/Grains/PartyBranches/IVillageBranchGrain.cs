using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;

namespace GridActors.Grains.PartyBranches;

/// <summary>
/// 村党支部: a village's Party branch, keyed by the village code. It lists the tasks it handed down, the warnings
/// raised to it, and its committee meetings. Tasks and the township's check call it; it never calls them.
/// </summary>
[Alias("GridActors.IVillageBranchGrain")]
public interface IVillageBranchGrain : IGrainWithStringKey
{
    /// <summary>From a task: its latest summary (kept if newer than the one held).</summary>
    [Alias("TaskChanged")]
    Task TaskChanged(TaskSummary summary);

    [Alias("Tasks")]
    Task<IReadOnlyList<TaskSummary>> Tasks(string? grid);

    /// <summary>Raises warnings; one already held (same key) is not raised twice.</summary>
    [Alias("AddWarnings")]
    Task AddWarnings(IReadOnlyList<PartyWarning> warnings);

    [Alias("Warnings")]
    Task<IReadOnlyList<PartyWarning>> Warnings(PartyMonth? month, PartyWarningKind? kind);

    /// <summary>Records a committee meeting; the non-voting attendees must lead a group of this village now.</summary>
    [Alias("RecordMeeting")]
    Task<PartyResult<BranchMeeting>> RecordMeeting(BranchMeeting meeting);

    [Alias("Meetings")]
    Task<IReadOnlyList<BranchMeeting>> Meetings(int year);

    /// <summary>Per grid of the village: its current leader and the year's meetings its leader attended (列席).</summary>
    [Alias("Attendance")]
    Task<IReadOnlyList<LeaderAttendance>> Attendance(int year);
}

/// <summary>
/// 乡镇党委: a township's Party committee, keyed by the township code. It runs the end-of-month activity check
/// for every grid under it (one wake-up a month per township, not one per group) and keeps the warnings.
/// </summary>
[Alias("GridActors.ITownshipCommitteeGrain")]
public interface ITownshipCommitteeGrain : Scheduling.IWakeUpTarget, IGrainWithStringKey
{
    /// <summary>
    /// Makes sure months from <paramref name="since"/> (the month a group was set up) are checked and the next
    /// month-end check is scheduled; one-way, so a group setting up never waits on it.
    /// </summary>
    [Alias("EnsureChecking"), Orleans.Concurrency.OneWay]
    Task EnsureChecking(PartyMonth since);

    [Alias("Warnings")]
    Task<IReadOnlyList<PartyWarning>> Warnings(PartyMonth? month);

    /// <summary>The last month checked (YYYY-MM) and when the next check is due.</summary>
    [Alias("CheckStatus")]
    Task<(string? LastChecked, DateTimeOffset? NextCheckAt)> CheckStatus();
}
