using GridActors.Grains.Stars;

namespace GridActors.Grains.Commitments;

/// <summary>Persisted state of one owner's commitments for a year.</summary>
[GenerateSerializer, Alias("GridActors.CommitmentState")]
public sealed class CommitmentState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public StarSubjectKind Owner { get; set; }
    [Id(2)] public string OwnerId { get; set; } = "";
    [Id(3)] public string OwnerName { get; set; } = "";
    [Id(4)] public string Grid { get; set; } = "";
    [Id(5)] public int Year { get; set; }
    [Id(6)] public CommitmentStatus Status { get; set; }
    [Id(7)] public List<CommitmentItem> Items { get; set; } = [];
    [Id(8)] public List<ProgressRecord> Progress { get; set; } = [];
    [Id(9)] public List<EvaluationScore> Evaluations { get; set; } = [];
    [Id(10)] public List<CommitmentDecision> Decisions { get; set; } = [];
    [Id(11)] public List<CommitmentEvent> History { get; set; } = [];
    [Id(12)] public DateTimeOffset? PublishedAt { get; set; }
    [Id(13)] public DateTimeOffset? EvaluatedAt { get; set; }
    [Id(14)] public long Version { get; set; }
}
