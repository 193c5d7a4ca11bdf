using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>A count and its share of the whole, in percent.</summary>
public sealed record Share(int Count, decimal Percent);

/// <summary>
/// The county's post-election report (换届后村干部情况统计) for one unit and term. Percentages and ages are
/// rounded to 2 decimals, half away from zero, as the figures are written by hand; a change is the difference
/// of the unrounded averages, rounded once. Averages are null when the term has no cadres.
/// </summary>
public sealed record LeadershipReport(
    int Villages,
    int Cadres,
    int CrossAppointed,
    decimal CrossAppointedPercent,
    int OneShoulderVillages,
    decimal OneShoulderPercent,
    decimal? AverageAge,
    decimal? AverageAgeChange,
    decimal? SecretaryAverageAge,
    decimal? SecretaryAverageAgeChange,
    int CollegeOrAbove,
    decimal CollegeOrAbovePercent,
    IReadOnlyDictionary<string, Share> ByEducation,
    IReadOnlyDictionary<string, Share> ByGender,
    IReadOnlyDictionary<string, Share> ByAgeBand)
{
    /// <param name="current">The term reported on.</param>
    /// <param name="previous">The previous term held for the same unit, or null when there is none.</param>
    public static LeadershipReport Create(LeadershipTotals current, LeadershipTotals? previous)
    {
        var age = Average(current.AgeTotal, current.Cadres);
        var secretaryAge = Average(current.SecretaryAgeTotal, current.Villages);
        var previousAge = previous is null ? null : Average(previous.AgeTotal, previous.Cadres);
        var previousSecretaryAge = previous is null ? null : Average(previous.SecretaryAgeTotal, previous.Villages);
        return new LeadershipReport(
            current.Villages,
            current.Cadres,
            current.CrossAppointed,
            Percent(current.CrossAppointed, current.Cadres),
            current.OneShoulderVillages,
            Percent(current.OneShoulderVillages, current.Villages),
            Round(age),
            Round(age - previousAge),
            Round(secretaryAge),
            Round(secretaryAge - previousSecretaryAge),
            current.CollegeOrAbove,
            Percent(current.CollegeOrAbove, current.Cadres),
            Enum.GetValues<Education>().ToDictionary(LeadershipNames.Name, e => ShareOf(current.ByEducation[(int)e], current.Cadres)),
            new Dictionary<string, Share>
            {
                [LeadershipNames.Name(Gender.Male)] = ShareOf(current.Cadres - current.Women, current.Cadres),
                [LeadershipNames.Name(Gender.Female)] = ShareOf(current.Women, current.Cadres),
            },
            Enum.GetValues<AgeBand>().ToDictionary(LeadershipNames.Name, b => ShareOf(current.ByAgeBand[(int)b], current.Cadres)));
    }

    /// <summary>Part of whole in percent, 2 decimals; 0 when the whole is 0.</summary>
    public static decimal Percent(long part, long whole) => whole == 0 ? 0m : Round(100m * part / whole)!.Value;

    private static Share ShareOf(int count, int whole) => new(count, Percent(count, whole));

    private static decimal? Average(long total, int count) => count == 0 ? null : (decimal)total / count;

    // Adding 0.00m gives every figure a scale of 2, so 75 is written 75.00, as in the county's report.
    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) + 0.00m : null;
}
