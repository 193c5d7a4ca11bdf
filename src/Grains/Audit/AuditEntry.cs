namespace GridActors.Grains.Audit;

/// <summary>
/// A stored entry of the audit log (个人信息查阅记录): a recorded <see cref="AuditRead"/> and the id the log gave it. Ids
/// grow in the order entries were stored, across every county and day, so the last id of a page is where the next starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string KeyId,
    [property: Id(3)] string App,
    [property: Id(4)] string What,
    [property: Id(5)] string Unit);
