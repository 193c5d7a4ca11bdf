using GridActors.Grains.Access;

namespace GridActors.Grains.Issues;

/// <summary>
/// The reporter's own word on a resolution (群众评价): whether the matter is settled, a satisfaction score of 1 to 5 and
/// a comment. <see cref="ResolvedAt"/> names the resolution answered, so each resolution is answered once;
/// <see cref="Reopened"/> is true for the one answer that sent the issue back (a reporter reopens an issue once).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.ReporterAnswer")]
public sealed record ReporterAnswer(
    bool Settled,
    int Satisfaction,
    string? Comment,
    DateTimeOffset At,
    DateTimeOffset ResolvedAt,
    bool Reopened,
    Actor? Actor);
