namespace GridActors.Grains.Units;

/// <summary>
/// The level of an administrative unit in the governance network (治理网): 网格 → 村 → 乡镇 → 县, and above the county
/// the 市 and 省 that read roll-ups of their counties. The numeric order is the escalation order; issues climb no higher
/// than the county, which runs the programme (docs/units.md).
/// </summary>
public enum UnitLevel
{
    /// <summary>网格: the smallest governance unit; every issue enters here.</summary>
    Grid = 0,
    /// <summary>村 / 社区: a village or an urban community.</summary>
    Village = 1,
    /// <summary>乡镇 (乡/镇/街道).</summary>
    Township = 2,
    /// <summary>县(区): the unit that runs the programme.</summary>
    County = 3,
    /// <summary>市 (地级市, 自治州, 地区): the cities of a province; reads roll-ups, holds no issues.</summary>
    City = 4,
    /// <summary>省 (省, 自治区, 直辖市): reads roll-ups, holds no issues.</summary>
    Province = 5,
}

public static class UnitLevels
{
    /// <summary>The lower-case name used in URLs, JSON and the category catalogue: grid, village, township, county, city, province.</summary>
    public static string Name(this UnitLevel level) => level switch
    {
        UnitLevel.Grid => "grid",
        UnitLevel.Village => "village",
        UnitLevel.Township => "township",
        UnitLevel.County => "county",
        UnitLevel.City => "city",
        UnitLevel.Province => "province",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static bool TryParse(string? text, out UnitLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "grid": level = UnitLevel.Grid; return true;
            case "village": level = UnitLevel.Village; return true;
            case "township": level = UnitLevel.Township; return true;
            case "county": level = UnitLevel.County; return true;
            case "city": level = UnitLevel.City; return true;
            case "province": level = UnitLevel.Province; return true;
            default: level = default; return false;
        }
    }

    /// <summary>The levels where issues are held and escalated: grid to county (the city and province only read).</summary>
    public static bool InProgramme(this UnitLevel level) => level <= UnitLevel.County;

    /// <summary>Digits in the division code of a unit at this level (统计用区划代码; a grid adds 3 digits to its village).</summary>
    public static int CodeLength(this UnitLevel level) => level switch
    {
        UnitLevel.County => 6,
        UnitLevel.Township => 9,
        UnitLevel.Village => 12,
        UnitLevel.Grid => 15,
        UnitLevel.City => 4,
        UnitLevel.Province => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}
