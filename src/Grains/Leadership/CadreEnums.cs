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

/// <summary>Highest completed education (学历), lowest first: the order is used for "at least" comparisons.</summary>
public enum Education
{
    /// <summary>小学.</summary>
    Primary = 0,
    /// <summary>初中.</summary>
    Junior = 1,
    /// <summary>高中.</summary>
    Senior = 2,
    /// <summary>中专/职高: counted as at least senior.</summary>
    Vocational = 3,
    /// <summary>大专: the first level of "college or above" (大专以上学历).</summary>
    College = 4,
    /// <summary>本科.</summary>
    Bachelor = 5,
    /// <summary>硕士.</summary>
    Master = 6,
    /// <summary>博士.</summary>
    Doctorate = 7,
}

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
/// The names callers write and read. Parsed through these tables rather than <see cref="Enum.TryParse{TEnum}(string?, out TEnum)"/>,
/// which would also accept numbers and other spellings.
/// </summary>
public static class LeadershipNames
{
    public static readonly IReadOnlyDictionary<string, CadreRole> Roles =
        Enum.GetValues<CadreRole>().ToDictionary(r => r.ToString(), StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, Education> Educations =
        Enum.GetValues<Education>().ToDictionary(Name, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, Gender> Genders =
        Enum.GetValues<Gender>().ToDictionary(Name, StringComparer.Ordinal);

    /// <summary>Roles are written as the issue and the county's forms name them: <c>BranchSecretary</c>.</summary>
    public static string Name(CadreRole role) => role.ToString();

    public static string Name(Education education) => education.ToString().ToLowerInvariant();

    public static string Name(Gender gender) => gender.ToString().ToLowerInvariant();

    public static string Name(AgeBand band) => band switch
    {
        AgeBand.Under35 => "under35",
        AgeBand.From35To44 => "35to44",
        AgeBand.From45To54 => "45to54",
        AgeBand.From55To59 => "55to59",
        _ => "60andOver",
    };

    public static string RoleList => string.Join(", ", Roles.Keys);

    public static string EducationList => string.Join(", ", Educations.Keys);
}
