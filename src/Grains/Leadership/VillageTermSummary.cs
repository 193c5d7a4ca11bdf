using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>The branch secretary of a term as the county's records name them (县级党委备案, training).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TermSecretary")]
public sealed record TermSecretary(string Name, Gender Gender, DateOnly BirthDate, int Age, Education Education)
{
    /// <summary>Same person: a filing or a training attendance belongs to one secretary, not to the seat.</summary>
    public bool IsSamePerson(string name, DateOnly birthDate) => Name == name && BirthDate == birthDate;
}

/// <summary>
/// Everything the county report needs from one village's term, as counts: a few dozen numbers instead of
/// the cadres themselves, so a county's book stays small and a report is a sum over its villages.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.VillageTermSummary")]
public sealed record VillageTermSummary(
    DateOnly ElectedOn,
    int Cadres,
    int CrossAppointed,
    bool OneShoulder,
    int AgeTotal,
    int CollegeOrAbove,
    int Women,
    IReadOnlyList<int> ByEducation,
    IReadOnlyList<int> ByAgeBand,
    TermSecretary Secretary)
{
    public static VillageTermSummary Of(VillageTerm term)
    {
        var byEducation = new int[Enum.GetValues<Education>().Length];
        var byAgeBand = new int[Enum.GetValues<AgeBand>().Length];
        int cross = 0, ageTotal = 0, college = 0, women = 0;
        foreach (var cadre in term.Cadres)
        {
            var age = CadreFacts.AgeAt(cadre.BirthDate, term.ElectedOn);
            ageTotal += age;
            byAgeBand[(int)CadreFacts.BandOf(age)]++;
            byEducation[(int)cadre.Education]++;
            if (CadreFacts.IsCrossAppointed(cadre.Roles))
            {
                cross++;
            }
            if (CadreFacts.IsCollegeOrAbove(cadre.Education))
            {
                college++;
            }
            if (cadre.Gender == Gender.Female)
            {
                women++;
            }
        }
        var s = term.Secretary;
        var secretary = new TermSecretary(s.Name, s.Gender, s.BirthDate, CadreFacts.AgeAt(s.BirthDate, term.ElectedOn), s.Education);
        return new VillageTermSummary(term.ElectedOn, term.Cadres.Count, cross, term.OneShoulder, ageTotal, college, women, byEducation, byAgeBand, secretary);
    }
}
