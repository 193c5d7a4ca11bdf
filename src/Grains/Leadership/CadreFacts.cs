using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>
/// The derivations the county report counts, as plain rules: cross-appointment (交叉任职), one-shoulder
/// villages (一肩挑), age at the election and college or above (大专以上学历).
/// </summary>
public static class CadreFacts
{
    /// <summary>
    /// Whole years on <paramref name="on"/>: the age goes up on the birthday. Someone born on 29 February
    /// turns a year older on 1 March in a common year, since 28 February comes before their birthday.
    /// </summary>
    public static int AgeAt(DateOnly birthDate, DateOnly on)
    {
        var age = on.Year - birthDate.Year;
        if (on.Month < birthDate.Month || (on.Month == birthDate.Month && on.Day < birthDate.Day))
        {
            age--;
        }
        return age;
    }

    /// <summary>支委: the Party branch committee.</summary>
    public static bool IsBranchRole(CadreRole role) =>
        role is CadreRole.BranchSecretary or CadreRole.BranchDeputySecretary or CadreRole.BranchCommitteeMember;

    /// <summary>村委: the villagers' committee.</summary>
    public static bool IsVillageRole(CadreRole role) => !IsBranchRole(role);

    /// <summary>交叉任职: holds at least one branch committee role and at least one villagers' committee role.</summary>
    public static bool IsCrossAppointed(IReadOnlyList<CadreRole> roles) => roles.Any(IsBranchRole) && roles.Any(IsVillageRole);

    /// <summary>一肩挑: the village's branch secretary is also its villagers' committee director.</summary>
    public static bool IsOneShoulder(IEnumerable<Cadre> cadres) =>
        cadres.Any(c => c.Roles.Contains(CadreRole.BranchSecretary) && c.Roles.Contains(CadreRole.VillageDirector));

    /// <summary>大专以上: <see cref="Education.College"/> (大专) or higher.</summary>
    public static bool IsCollegeOrAbove(Education education) => education >= Education.College;

    public static AgeBand BandOf(int age) => age switch
    {
        < 35 => AgeBand.Under35,
        < 45 => AgeBand.From35To44,
        < 55 => AgeBand.From45To54,
        < 60 => AgeBand.From55To59,
        _ => AgeBand.SixtyAndOver,
    };
}
