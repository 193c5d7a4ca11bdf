using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>
/// Sums over the villages of a unit for one term. Sums, not averages, so totals of parts add up exactly and
/// the report rounds once, at the end.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.LeadershipTotals")]
public sealed record LeadershipTotals(
    int Villages,
    int Cadres,
    int CrossAppointed,
    int OneShoulderVillages,
    long AgeTotal,
    long SecretaryAgeTotal,
    int CollegeOrAbove,
    int Women,
    IReadOnlyList<int> ByEducation,
    IReadOnlyList<int> ByAgeBand)
{
    public static LeadershipTotals Sum(IEnumerable<VillageTermSummary> villages)
    {
        var byEducation = new int[Enum.GetValues<Education>().Length];
        var byAgeBand = new int[Enum.GetValues<AgeBand>().Length];
        int count = 0, cadres = 0, cross = 0, oneShoulder = 0, college = 0, women = 0;
        long ageTotal = 0, secretaryAgeTotal = 0;
        foreach (var v in villages)
        {
            count++;
            cadres += v.Cadres;
            cross += v.CrossAppointed;
            oneShoulder += v.OneShoulder ? 1 : 0;
            ageTotal += v.AgeTotal;
            secretaryAgeTotal += v.Secretary.Age;
            college += v.CollegeOrAbove;
            women += v.Women;
            for (var i = 0; i < byEducation.Length; i++)
            {
                byEducation[i] += v.ByEducation[i];
            }
            for (var i = 0; i < byAgeBand.Length; i++)
            {
                byAgeBand[i] += v.ByAgeBand[i];
            }
        }
        return new LeadershipTotals(count, cadres, cross, oneShoulder, ageTotal, secretaryAgeTotal, college, women, byEducation, byAgeBand);
    }
}
