namespace GridActors.Grains.PartyTasks;

/// <summary>How state rolls back up the network: member parts → a group's share → the village's task.</summary>
public static class TaskRollup
{
    /// <summary>A share is done when it was split and every part is done; in progress once split.</summary>
    public static PartyTaskStatus Of(TaskGroupShare share) =>
        share.Parts.Count == 0 ? PartyTaskStatus.Assigned
        : share.Parts.All(p => p.Done) ? PartyTaskStatus.Done
        : PartyTaskStatus.InProgress;

    /// <summary>A task is done when every group's share is done; assigned while no group has started.</summary>
    public static PartyTaskStatus Of(IReadOnlyList<TaskGroupShare> shares) =>
        shares.All(g => g.Status == PartyTaskStatus.Done) ? PartyTaskStatus.Done
        : shares.All(g => g.Status == PartyTaskStatus.Assigned) ? PartyTaskStatus.Assigned
        : PartyTaskStatus.InProgress;
}
