using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;

namespace GridActors.Grains.PartyBranches;

[GenerateSerializer, Alias("GridActors.VillageBranchState")]
public sealed class VillageBranchState
{
    [Id(0)] public Dictionary<Guid, TaskSummary> Tasks { get; set; } = [];
    [Id(1)] public List<PartyWarning> Warnings { get; set; } = [];
    [Id(2)] public List<BranchMeeting> Meetings { get; set; } = [];
}

[GenerateSerializer, Alias("GridActors.TownshipCommitteeState")]
public sealed class TownshipCommitteeState
{
    /// <summary>The first month to check (YYYY-MM): the month the first group under the township was set up.</summary>
    [Id(0)] public string? FirstMonth { get; set; }
    [Id(1)] public string? LastChecked { get; set; }
    [Id(2)] public DateTimeOffset? NextCheckAt { get; set; }
    [Id(3)] public List<PartyWarning> Warnings { get; set; } = [];
}
