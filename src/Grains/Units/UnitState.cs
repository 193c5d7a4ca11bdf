namespace GridActors.Grains.Units;

/// <summary>
/// Persisted state of one administrative unit. Codes are kept as strings so the storage JSON stays plain.
/// </summary>
[GenerateSerializer, Alias("GridActors.UnitState")]
public sealed class UnitState : Infrastructure.IPostsToInboxes
{
    [Id(0)] public bool Registered { get; set; }
    [Id(1)] public UnitDetails? Details { get; set; }
    /// <summary>Child code → child name, ordered by code.</summary>
    [Id(2)] public SortedDictionary<string, string> Children { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public long Version { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// A county's unit above, when it attached to one: its city or its province (docs/units.md). Kept, because which one
    /// follows from what was registered when the county attached, not from the code alone. Null below the county, where
    /// the parent is the code's, and for a county that stands alone (no province registered when it was last written).
    /// </summary>
    [Id(6)] public string? Attached { get; set; }
    /// <summary>
    /// A grid's: whether its statistics were told it is registered (the Party counts count grids from that notice). False
    /// for a grid stored before they were, which tells them when it next activates.
    /// </summary>
    [Id(7)] public bool GridCounted { get; set; }

    /// <summary>A grid's registration notice, stored in its statistics grain's inbox by the same write as this state. Not stored.</summary>
    [NonSerialized]
    internal readonly List<Infrastructure.InboxPost> Posts = [];

    IReadOnlyList<Infrastructure.InboxPost> Infrastructure.IPostsToInboxes.Posts => Posts;
}
