using GridActors.Grains.Access;

namespace GridActors.Grains.Issues;

/// <summary>
/// The reporter's own word on a resolution (群众评价): whether the matter is settled, a satisfaction score of 1 to 5 and
/// a comment. <see cref="Resolution"/> names the resolution answered (the sequence of its history entry: two resolutions
/// may share a time, never a sequence), so each resolution is answered once;
/// <see cref="Reopened"/> is true for the one answer that sent the issue back (a reporter reopens an issue once).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.ReporterAnswer")]
public sealed record ReporterAnswer(
    bool Settled,
    int Satisfaction,
    string? Comment,
    DateTimeOffset At,
    int Resolution,
    bool Reopened,
    Actor? Actor)
{
    /// <summary>The sequence of the history entry of the issue's latest resolution, or null when it was never resolved.</summary>
    public static int? Current(IReadOnlyList<HistoryEntry> history)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].To == IssueStatus.Resolved)
            {
                return history[i].Sequence;
            }
        }
        return null;
    }
}
