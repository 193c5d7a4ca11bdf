using GridActors.Grains.Units;

namespace GridActors.Grains.Stats;

/// <summary>
/// Counters of one day for a unit and everything under it, and the change an event makes to them.
/// Deltas add up, so they can be merged into batches and pushed up the tree instead of one call per event.
/// </summary>
[GenerateSerializer, Alias("GridActors.DayCounters")]
public sealed class DayCounters
{
    [Id(0)] public long Reported { get; set; }
    [Id(1)] public long ResolvedAtGrid { get; set; }
    [Id(2)] public long ResolvedAtVillage { get; set; }
    [Id(3)] public long ResolvedAtTownship { get; set; }
    [Id(4)] public long ResolvedAtCounty { get; set; }
    [Id(5)] public long EscalatedBeyondVillage { get; set; }
    [Id(6)] public long SatisfactionSum { get; set; }
    [Id(7)] public long SatisfactionCount { get; set; }
    /// <summary>Time to resolve: histogram bucket (see <see cref="DurationHistogram"/>) → count.</summary>
    [Id(8)] public SortedDictionary<int, long> Durations { get; set; } = [];
    /// <summary>Reporters' answers on resolutions (群众评价), counted on the day of the answer.</summary>
    [Id(9)] public long ReporterAnswers { get; set; }
    /// <summary>Those answers that said "not settled" and reopened the issue (重新办理 at the reporter's word).</summary>
    [Id(10)] public long ReopenedByReporter { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Resolved => ResolvedAtGrid + ResolvedAtVillage + ResolvedAtTownship + ResolvedAtCounty;


    public void Add(DayCounters other, int sign = 1)
    {
        Reported += sign * other.Reported;
        ResolvedAtGrid += sign * other.ResolvedAtGrid;
        ResolvedAtVillage += sign * other.ResolvedAtVillage;
        ResolvedAtTownship += sign * other.ResolvedAtTownship;
        ResolvedAtCounty += sign * other.ResolvedAtCounty;
        EscalatedBeyondVillage += sign * other.EscalatedBeyondVillage;
        SatisfactionSum += sign * other.SatisfactionSum;
        SatisfactionCount += sign * other.SatisfactionCount;
        ReporterAnswers += sign * other.ReporterAnswers;
        ReopenedByReporter += sign * other.ReopenedByReporter;
        foreach (var (bucket, count) in other.Durations)
        {
            var value = Durations.GetValueOrDefault(bucket) + sign * count;
            if (value == 0)
            {
                Durations.Remove(bucket);
            }
            else
            {
                Durations[bucket] = value;
            }
        }
    }

    public void AddResolved(UnitLevel level, TimeSpan duration, int sign)
    {
        switch (level)
        {
            case UnitLevel.Grid: ResolvedAtGrid += sign; break;
            case UnitLevel.Village: ResolvedAtVillage += sign; break;
            case UnitLevel.Township: ResolvedAtTownship += sign; break;
            default: ResolvedAtCounty += sign; break;
        }
        var bucket = DurationHistogram.Bucket(duration);
        var value = Durations.GetValueOrDefault(bucket) + sign;
        if (value == 0)
        {
            Durations.Remove(bucket);
        }
        else
        {
            Durations[bucket] = value;
        }
    }

}

/// <summary>
/// A change to the statistics of the grid where an issue was reported, sent by the issue (which names itself in
/// <see cref="IssueId"/> when it delivers). Applied once: the grid remembers, per issue, the ids it has applied.
/// The Party network uses the same notices for its counts (docs/party-network.md): a Party group sends its figures
/// (<see cref="Group"/>, absolute and versioned, so applied once by version), a grid's unit its registration
/// (<see cref="GridRegistered"/>, counted once); such a notice carries no issue counters.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StatsNotice")]
public sealed record StatsNotice(Guid Id, string Grid, DateOnly Day, DayCounters Delta, long OverdueDelta = 0, Guid IssueId = default,
    PartyRollups.GroupFigures? Group = null, bool GridRegistered = false);

/// <summary>
/// A batch of merged deltas a unit pushes to its parent; <see cref="Sequence"/> makes a re-sent batch count once.
/// <see cref="Party"/> is the change to the Party counts; <see cref="GridsWithoutGroup"/>, when not null, the child's
/// first 100 grids without a group as they now are (a list cannot travel as a difference once cut at 100).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StatsBatch")]
public sealed record StatsBatch(string Child, long Sequence, IReadOnlyDictionary<DateOnly, DayCounters> Days, long OverdueDelta,
    PartyRollups.PartyCounters? Party = null, IReadOnlyList<string>? GridsWithoutGroup = null);

/// <summary>Resolution statistics of a unit and everything under it over a date window.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ResolutionStats")]
public sealed record ResolutionStats(
    string Unit,
    DateOnly From,
    DateOnly To,
    long Reported,
    long Resolved,
    long ResolvedAtGrid,
    long ResolvedAtVillageOrBelow,
    long EscalatedBeyondVillage,
    long OverdueNow,
    TimeSpan? MedianTimeToResolve,
    double? AverageSatisfaction,
    double? GridRate,
    double? VillageRate,
    long ReporterAnswers = 0,
    long ReopenedByReporter = 0,
    double? ReopenedRate = null)
{
    /// <summary>Sums the day counters in [from, to] and derives the rates (small matters in the grid, big ones in the village).</summary>
    public static ResolutionStats Compute(string unit, DateOnly from, DateOnly to, IReadOnlyDictionary<DateOnly, DayCounters> days, long overdueNow)
    {
        var total = new DayCounters();
        foreach (var (day, counters) in days)
        {
            if (day >= from && day <= to)
            {
                total.Add(counters);
            }
        }
        var resolved = total.Resolved;
        var villageOrBelow = total.ResolvedAtGrid + total.ResolvedAtVillage;
        return new ResolutionStats(
            unit, from, to,
            total.Reported,
            resolved,
            total.ResolvedAtGrid,
            villageOrBelow,
            total.EscalatedBeyondVillage,
            overdueNow,
            DurationHistogram.Median(total.Durations),
            total.SatisfactionCount == 0 ? null : Math.Round((double)total.SatisfactionSum / total.SatisfactionCount, 2),
            resolved == 0 ? null : Math.Round((double)total.ResolvedAtGrid / resolved, 4),
            resolved == 0 ? null : Math.Round((double)villageOrBelow / resolved, 4),
            total.ReporterAnswers,
            total.ReopenedByReporter,
            total.ReporterAnswers == 0 ? null : Math.Round((double)total.ReopenedByReporter / total.ReporterAnswers, 4));
    }
}
