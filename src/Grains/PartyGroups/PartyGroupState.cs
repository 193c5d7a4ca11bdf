namespace GridActors.Grains.PartyGroups;

/// <summary>
/// Persisted state of one grid's Party group (网格党小组). The roster exists before the group is set up,
/// because the leader must already be a member of the grid.
/// </summary>
[GenerateSerializer, Alias("GridActors.PartyGroupState")]
public sealed class PartyGroupState : Infrastructure.IPostsToInboxes
{
    [Id(0)] public GroupSetup? Setup { get; set; }
    [Id(1)] public Dictionary<Guid, RosterEntry> Roster { get; set; } = [];
    [Id(2)] public List<GroupActivity> Activities { get; set; } = [];
    /// <summary>Months (YYYY-MM) flagged at their end for having no activity.</summary>
    [Id(3)] public List<string> FlaggedMonths { get; set; } = [];
    [Id(4)] public long Version { get; set; }
    [Id(5)] public DateTimeOffset SetUpAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The version of the last figures sent to the grid's statistics (0: none yet, a group stored before they were).</summary>
    [Id(7)] public long FiguresVersion { get; set; }
    /// <summary>The figures last sent, so that a write that changes none of them sends nothing.</summary>
    [Id(8)] public PartyRollups.PartyCounters? Figures { get; set; }

    /// <summary>The notice of new figures, stored in the statistics grain's inbox by the same write as this state. Not stored.</summary>
    [NonSerialized]
    internal readonly List<Infrastructure.InboxPost> Posts = [];

    IReadOnlyList<Infrastructure.InboxPost> Infrastructure.IPostsToInboxes.Posts => Posts;
}
