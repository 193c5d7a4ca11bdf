using GridActors.Grains.Stats;
using GridActors.Grains.Units;

namespace GridActors.Tests.Issues;

public sealed class StatsArithmeticTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(59)]
    [InlineData(127)]
    [InlineData(3600)]
    [InlineData(7200)]
    [InlineData(14400)]
    [InlineData(28800)]
    [InlineData(57600)]
    public void Histogram_KeepsDurationsThatAreWholeBucketWidthsExactly(long seconds)
    {
        Assert.Equal(seconds, DurationHistogram.LowerBound(DurationHistogram.Bucket(TimeSpan.FromSeconds(seconds))));
    }

    [Fact]
    public void Histogram_ErrorIsBelowOnePercent()
    {
        for (long seconds = 128; seconds < 10_000_000; seconds = (seconds * 13 / 10) + 7)
        {
            var bound = DurationHistogram.LowerBound(DurationHistogram.Bucket(TimeSpan.FromSeconds(seconds)));
            Assert.InRange(bound, seconds * 0.99, seconds);
        }
    }

    [Fact]
    public void Median_OfAnEvenCount_IsTheMeanOfTheMiddleTwo()
    {
        var day = new DayCounters();
        foreach (var hours in new[] { 1, 2, 4, 8 })
        {
            day.AddResolved(UnitLevel.Grid, TimeSpan.FromHours(hours), +1);
        }
        Assert.Equal(TimeSpan.FromHours(3), DurationHistogram.Median(day.Durations));
        day.AddResolved(UnitLevel.Grid, TimeSpan.FromHours(8), -1);
        Assert.Equal(TimeSpan.FromHours(2), DurationHistogram.Median(day.Durations));
    }

    [Fact]
    public void Compute_SumsOnlyTheDaysInTheWindow_AndDerivesTheRates()
    {
        var inside = new DayCounters { Reported = 5, ResolvedAtGrid = 2, ResolvedAtVillage = 1, ResolvedAtTownship = 1, SatisfactionSum = 9, SatisfactionCount = 2 };
        var outside = new DayCounters { Reported = 100, ResolvedAtCounty = 50 };
        var days = new Dictionary<DateOnly, DayCounters> { [new(2026, 3, 2)] = inside, [new(2026, 4, 1)] = outside };
        var stats = ResolutionStats.Compute("340822", new(2026, 3, 1), new(2026, 3, 31), days, 1);
        Assert.Equal(5, stats.Reported);
        Assert.Equal(4, stats.Resolved);
        Assert.Equal(0.5, stats.GridRate);
        Assert.Equal(0.75, stats.VillageRate);
        Assert.Equal(4.5, stats.AverageSatisfaction);
        Assert.Equal(1, stats.OverdueNow);
    }

    [Fact]
    public void Day_IsCountedInChinaStandardTime()
    {
        Assert.Equal(new DateOnly(2026, 3, 3), StatsCalendar.Day(new DateTimeOffset(2026, 3, 2, 16, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 3, 2), StatsCalendar.Day(new DateTimeOffset(2026, 3, 2, 15, 59, 0, TimeSpan.Zero)));
    }
}
