namespace GridActors.Grains.Audit;

/// <summary>
/// One read of personal data to record in the audit log (个人信息查阅记录): when, who (key and app), what, and the unit the
/// data belongs to (a grid, village or other division code; its first six digits name the county whose log it joins).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditRead")]
public sealed record AuditRead(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string KeyId,
    [property: Id(2)] string App,
    [property: Id(3)] string What,
    [property: Id(4)] string Unit)
{
    /// <summary>The day whose log the read joins: its date in China time, as statistics count days.</summary>
    public DateOnly Day => Stats.StatsCalendar.Day(At);
}
