namespace GridActors.Grains.PartyRollups;

/// <summary>
/// The Party network's counts (党小组 / 党员 / 岗位 / 活动) of a unit and everything under it, kept by the unit's statistics
/// grain and pushed up the tree in the statistics' batches, so that a township, county, city or province answers its
/// summary from its own counters. Counts add up, so a change travels as the difference it makes (<see cref="Add"/> with
/// sign -1 takes a grid's previous figures away).
/// </summary>
[GenerateSerializer, Alias("GridActors.PartyCounters")]
public sealed class PartyCounters
{
    [Id(0)] public long Grids { get; set; }
    [Id(1)] public long GroupsSetUp { get; set; }
    [Id(2)] public long Members { get; set; }
    [Id(3)] public long Resident { get; set; }
    [Id(4)] public long Migrant { get; set; }
    [Id(5)] public long Elderly { get; set; }
    [Id(6)] public long OtherStatus { get; set; }
    [Id(7)] public long WithoutOffice { get; set; }
    [Id(8)] public long PostHolders { get; set; }
    [Id(9)] public long PostsCovered { get; set; }
    [Id(10)] public long GroupsWithAllPostsCovered { get; set; }
    /// <summary>
    /// Month (YYYY-MM) → groups with an activity in it and groups flagged for none. Kept per month because an activity may
    /// be recorded up to a year late, and the summary is asked for any month.
    /// </summary>
    [Id(11)] public SortedDictionary<string, PartyMonthCounters> Months { get; set; } = [];

    public void Add(PartyCounters other, int sign = 1)
    {
        Grids += sign * other.Grids;
        GroupsSetUp += sign * other.GroupsSetUp;
        Members += sign * other.Members;
        Resident += sign * other.Resident;
        Migrant += sign * other.Migrant;
        Elderly += sign * other.Elderly;
        OtherStatus += sign * other.OtherStatus;
        WithoutOffice += sign * other.WithoutOffice;
        PostHolders += sign * other.PostHolders;
        PostsCovered += sign * other.PostsCovered;
        GroupsWithAllPostsCovered += sign * other.GroupsWithAllPostsCovered;
        foreach (var (month, counters) in other.Months)
        {
            if (!Months.TryGetValue(month, out var mine))
            {
                Months[month] = mine = new PartyMonthCounters();
            }
            mine.WithActivity += sign * counters.WithActivity;
            mine.Flagged += sign * counters.Flagged;
            if (mine.WithActivity == 0 && mine.Flagged == 0)
            {
                // A month back at nothing is dropped, so that equal counts compare equal and rows do not collect zeros.
                Months.Remove(month);
            }
        }
    }

    /// <summary>What must be added to <paramref name="from"/> to reach <paramref name="to"/>.</summary>
    public static PartyCounters Difference(PartyCounters? from, PartyCounters to)
    {
        var delta = new PartyCounters();
        delta.Add(to);
        if (from is not null)
        {
            delta.Add(from, -1);
        }
        return delta;
    }

    public bool IsZero => Grids == 0 && GroupsSetUp == 0 && Members == 0 && Resident == 0 && Migrant == 0 && Elderly == 0
        && OtherStatus == 0 && WithoutOffice == 0 && PostHolders == 0 && PostsCovered == 0 && GroupsWithAllPostsCovered == 0
        && Months.Count == 0;

    public bool SameAs(PartyCounters? other) => other is not null && Difference(other, this).IsZero;
}

[GenerateSerializer, Alias("GridActors.PartyMonthCounters")]
public sealed class PartyMonthCounters
{
    [Id(0)] public long WithActivity { get; set; }
    [Id(1)] public long Flagged { get; set; }
}

/// <summary>
/// A grid's Party group's figures as they are after its write (absolute, so a late or repeated notice cannot count twice):
/// the grid's statistics keep the last version and count the difference.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.GroupFigures")]
public sealed record GroupFigures(long Version, PartyCounters Counters);

/// <summary>What a unit's statistics hold of the Party network: its counters and the first 100 grids without a group, by code.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.PartyTotals")]
public sealed record PartyTotals(PartyCounters Counters, IReadOnlyList<string> GridsWithoutGroup);
