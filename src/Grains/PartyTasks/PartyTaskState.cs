using GridActors.Grains.Access;

namespace GridActors.Grains.PartyTasks;

/// <summary>
/// Persisted state of one task (交办任务): the task, every group's share and every member's part, in one grain,
/// so the roll-up (parts → share → task) is computed in one place and written in one storage write.
/// </summary>
[GenerateSerializer, Alias("GridActors.PartyTaskState")]
public sealed class PartyTaskState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Village { get; set; } = "";
    [Id(2)] public string Title { get; set; } = "";
    [Id(3)] public string? Description { get; set; }
    [Id(4)] public DateOnly Due { get; set; }
    [Id(5)] public List<TaskGroupShare> Groups { get; set; } = [];
    [Id(6)] public string? AssignedBy { get; set; }
    [Id(7)] public DateTimeOffset AssignedAt { get; set; }
    [Id(8)] public DateTimeOffset? DoneAt { get; set; }
    /// <summary>Set once by the due-date wake-up when the task was not done in time.</summary>
    [Id(9)] public bool Overdue { get; set; }
    [Id(10)] public DateTimeOffset? OverdueAt { get; set; }
    [Id(11)] public string? Fingerprint { get; set; }
    [Id(12)] public long Version { get; set; }
    /// <summary>Who handed the task out, as authenticated (the body's <see cref="AssignedBy"/> is only a note).</summary>
    [Id(13)] public Actor? Actor { get; set; }
}
