namespace GridActors.Grains.Stats;

/// <summary>
/// Statistics count days as county staff do, in China Standard Time (UTC+8, no daylight saving), so an
/// issue reported at 07:00 local time counts on that local day whatever the server's zone.
/// </summary>
public static class StatsCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);
}
