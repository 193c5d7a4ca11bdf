namespace GridActors.Grains.Units;

/// <summary>
/// The level of an administrative unit in the governance network (治理网): 网格 → 村 → 乡镇 → 县.
/// The numeric order is the escalation order.
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
}

public static class UnitLevels
{
    /// <summary>The lower-case name used in URLs, JSON and the category catalogue: grid, village, township, county.</summary>
    public static string Name(this UnitLevel level) => level switch
    {
        UnitLevel.Grid => "grid",
        UnitLevel.Village => "village",
        UnitLevel.Township => "township",
        UnitLevel.County => "county",
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
            default: level = default; return false;
        }
    }

    /// <summary>Digits in the division code of a unit at this level (统计用区划代码; a grid adds 3 digits to its village).</summary>
    public static int CodeLength(this UnitLevel level) => level switch
    {
        UnitLevel.County => 6,
        UnitLevel.Township => 9,
        UnitLevel.Village => 12,
        UnitLevel.Grid => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}
