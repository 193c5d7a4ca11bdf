namespace GridActors.Grains.Audit;

/// <summary>
/// A page of the audit log, oldest first; <paramref name="More"/> when entries follow the last one, and
/// <paramref name="Total"/> the entries of the query's day and scope.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditEntry> Entries,
    [property: Id(1)] bool More,
    [property: Id(2)] int Total);
