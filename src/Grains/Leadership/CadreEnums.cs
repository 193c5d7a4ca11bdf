using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

// The numeric values are stored; never renumber them.

/// <summary>A cadre's (村干部) role on one of the two village committees (村两委).</summary>
public enum CadreRole
{
    /// <summary>村党组织书记: secretary of the village Party branch. Exactly one per village and term.</summary>
    BranchSecretary = 0,
    /// <summary>村党组织副书记.</summary>
    BranchDeputySecretary = 1,
    /// <summary>支委委员: member of the branch committee.</summary>
    BranchCommitteeMember = 2,
    /// <summary>村委会主任: director of the villagers' committee. At most one per village and term.</summary>
    VillageDirector = 3,
    /// <summary>村委会副主任.</summary>
    VillageDeputyDirector = 4,
    /// <summary>村委委员: member of the villagers' committee.</summary>
    VillageCommitteeMember = 5,
}

public enum Gender
{
    Male = 0,
    Female = 1,
}

// Education (学历) is shared with Party members: GridActors.Grains.Vocabulary.Education.

/// <summary>Age bands of the county report, by whole years at the election date.</summary>
public enum AgeBand
{
    Under35 = 0,
    From35To44 = 1,
    From45To54 = 2,
    From55To59 = 3,
    SixtyAndOver = 4,
}

/// <summary>
/// The names callers write and read: camelCase as everywhere on the API (<see cref="EnumNames"/>), read in any letter
/// case so the PascalCase roles of older clients and county forms (<c>BranchSecretary</c>) keep working. Parsed through
/// these tables rather than <see cref="Enum.TryParse{TEnum}(string?, out TEnum)"/>, which would also accept numbers.
/// </summary>
public static class LeadershipNames
{
    public static readonly IReadOnlyDictionary<string, CadreRole> Roles =
        Enum.GetValues<CadreRole>().ToDictionary(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The shared list's names and, for older clients, the members' former ones (<see cref="Vocabulary.Educations"/>).</summary>
    public static readonly IReadOnlyDictionary<string, Education> Educations =
        Enum.GetValues<Education>().ToDictionary(Name, StringComparer.OrdinalIgnoreCase)
            .Concat(Vocabulary.Educations.FormerNames).ToDictionary(StringComparer.OrdinalIgnoreCase);

    public static readonly IReadOnlyDictionary<string, Gender> Genders =
        Enum.GetValues<Gender>().ToDictionary(Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>A role as answers and warnings name it: <c>branchSecretary</c>.</summary>
    public static string Name(CadreRole role) => EnumNames.Name(role);

    public static string Name(Education education) => EnumNames.Name(education);

    public static string Name(Gender gender) => EnumNames.Name(gender);

    public static string Name(AgeBand band) => band switch
    {
        AgeBand.Under35 => "under35",
        AgeBand.From35To44 => "35to44",
        AgeBand.From45To54 => "45to54",
        AgeBand.From55To59 => "55to59",
        _ => "60andOver",
    };

    public static string RoleList => string.Join(", ", EnumNames.All<CadreRole>());

    public static string EducationList => string.Join(", ", EnumNames.All<Education>());
}
