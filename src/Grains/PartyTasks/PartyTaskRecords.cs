using GridActors.Grains.Access;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.PartyTasks;

/// <summary>Where a task (交办任务), a group's share of it, stands; it rolls up: done when every part below is done.</summary>
public enum PartyTaskStatus
{
    /// <summary>Handed to the group; the leader has not split it among members yet.</summary>
    Assigned,
    /// <summary>Split among members (or, for the task, some group has split it); not all done.</summary>
    InProgress,
    Done,
}

/// <summary>A member's part of a group's share, reported done with evidence.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TaskPart")]
public sealed record TaskPart(
    Guid MemberId,
    string MemberName,
    string Work,
    bool Done = false,
    DateTimeOffset? DoneAt = null,
    string? Note = null,
    IReadOnlyList<Evidence>? Evidence = null,
    bool DoneLate = false,
    Actor? Actor = null);

/// <summary>A group's share of a task.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TaskGroupShare")]
public sealed record TaskGroupShare(
    string Grid,
    PartyTaskStatus Status,
    IReadOnlyList<TaskPart> Parts,
    Guid? SplitBy = null,
    DateTimeOffset? SplitAt = null,
    DateTimeOffset? DoneAt = null,
    bool Overdue = false,
    Actor? Actor = null);

/// <summary>A new task from a village branch, as checked at the edge.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.NewPartyTask")]
public sealed record NewPartyTask(string Village, string Title, string? Description, DateOnly Due, IReadOnlyList<string> Grids, string? By, string? Fingerprint, Actor? Actor = null);

/// <summary>A member's part as the leader hands it out.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartAssignment")]
public sealed record PartAssignment(Guid MemberId, string Work);

/// <summary>A task as read back.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyTaskView")]
public sealed record PartyTaskView(
    Guid Id,
    string Village,
    string Title,
    string? Description,
    DateOnly Due,
    PartyTaskStatus Status,
    bool Overdue,
    DateTimeOffset? OverdueAt,
    IReadOnlyList<TaskGroupShare> Groups,
    string? AssignedBy,
    DateTimeOffset AssignedAt,
    DateTimeOffset? DoneAt,
    long Version,
    Actor? Actor = null);

/// <summary>A group's share as the village's task list shows it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TaskGroupSummary")]
public sealed record TaskGroupSummary(string Grid, PartyTaskStatus Status, int PartsDone, int Parts, bool Overdue);

/// <summary>A task as its village branch lists it; a newer <see cref="Version"/> replaces an older one.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TaskSummary")]
public sealed record TaskSummary(
    Guid Id,
    string Title,
    DateOnly Due,
    PartyTaskStatus Status,
    bool Overdue,
    IReadOnlyList<TaskGroupSummary> Groups,
    DateTimeOffset AssignedAt,
    DateTimeOffset? DoneAt,
    long Version);
