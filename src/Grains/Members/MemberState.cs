namespace GridActors.Grains.Members;

/// <summary>
/// Persisted state of one member. The member grain is the only writer of everything about the member,
/// including the post it holds, its post work and its pairing load, so every rule about one member is checked
/// in one place; its Party group keeps a roster entry (a projection) that the member sends before each write.
/// </summary>
[GenerateSerializer, Alias("GridActors.MemberState")]
public sealed class MemberState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public MemberDetails? Details { get; set; }
    [Id(2)] public PostAssignment? Post { get; set; }
    [Id(3)] public List<PostAssignment> PostHistory { get; set; } = [];
    [Id(4)] public List<MemberTransfer> Transfers { get; set; } = [];
    [Id(5)] public List<PostWorkEntry> PostWork { get; set; } = [];
    /// <summary>Accepted pairings (联系帮扶) in force: the member's load.</summary>
    [Id(6)] public List<Guid> Pairings { get; set; } = [];
    [Id(7)] public long Version { get; set; }
    [Id(8)] public DateTimeOffset CreatedAt { get; set; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(10)] public string? Fingerprint { get; set; }
    /// <summary>Removed (a record made by mistake, or a member who left the Party organisation here); kept as a tombstone.</summary>
    [Id(11)] public bool Removed { get; set; }
    [Id(12)] public DateTimeOffset? RemovedAt { get; set; }
    [Id(13)] public string? RemovalReason { get; set; }
}
