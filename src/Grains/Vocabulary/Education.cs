namespace GridActors.Grains.Vocabulary;

/// <summary>
/// Highest completed education (学历) of a Party member or a cadre, lowest first: the order is used for "at least"
/// comparisons (<c>secretaryMinEducation</c>, 大专以上). Members and cadres share this one list; the numbers are what
/// grain state stores, and the names members used before (<c>juniorSecondary</c>, <c>seniorSecondary</c>,
/// <c>juniorCollege</c>, <c>postgraduate</c>) stored the same numbers, so old records read as the names here
/// (the table in docs/party-network.md). Never renumber.
/// </summary>
public enum Education
{
    /// <summary>小学 (及以下).</summary>
    Primary = 0,
    /// <summary>初中. Members' former <c>juniorSecondary</c>.</summary>
    Junior = 1,
    /// <summary>高中. Members' former <c>seniorSecondary</c>.</summary>
    Senior = 2,
    /// <summary>中专/职高: counted as at least senior.</summary>
    Vocational = 3,
    /// <summary>大专: the first level of "college or above" (大专以上学历). Members' former <c>juniorCollege</c>.</summary>
    College = 4,
    /// <summary>本科.</summary>
    Bachelor = 5,
    /// <summary>硕士. Members' former <c>postgraduate</c> (研究生), which did not tell master from doctorate.</summary>
    Master = 6,
    /// <summary>博士.</summary>
    Doctorate = 7,
}

/// <summary>Reading an education as callers write it: a name of <see cref="Education"/> or a name of the members' former list.</summary>
public static class Educations
{
    /// <summary>The members' former names, still accepted from older clients and import sheets.</summary>
    public static readonly IReadOnlyDictionary<string, Education> FormerNames = new Dictionary<string, Education>(StringComparer.OrdinalIgnoreCase)
    {
        ["juniorSecondary"] = Education.Junior,
        ["seniorSecondary"] = Education.Senior,
        ["juniorCollege"] = Education.College,
        ["postgraduate"] = Education.Master,
    };

    public static bool TryParse(string? text, out Education education) =>
        EnumNames.TryParse(text, out education) || FormerNames.TryGetValue(text?.Trim() ?? "", out education);
}
