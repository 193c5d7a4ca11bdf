namespace GridActors.Grains.Infrastructure;

/// <summary>
/// The clock of the domain: deadlines, statistics days, monthly checks. It is separate from the
/// <see cref="TimeProvider"/> the Orleans runtime uses for its own timers, so tests can move domain time by
/// hand (a fake clock) without freezing stream delivery or timers inside the silo.
/// </summary>
public sealed class GridClock(TimeProvider time) : TimeProvider
{
    public GridClock()
        : this(System)
    {
    }

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;
}
