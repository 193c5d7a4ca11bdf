using System.Diagnostics.CodeAnalysis;

namespace GridActors.Grains.Units;

// Level-specific codes, so a signature says which level it takes (a GridCode cannot be passed where a
// county is meant). Each wraps a UnitCode that was validated once.

/// <summary>What every level's code offers, so code that takes "a code of some level" is written once.</summary>
public interface ILevelCode<TSelf> where TSelf : struct, ILevelCode<TSelf>
{
    UnitCode Code { get; }

    /// <summary>Parses a code of this level; <paramref name="error"/> is the rule broken otherwise.</summary>
    static abstract bool TryParse(string? text, out TSelf code, [NotNullWhen(false)] out string? error);
}

/// <summary>County code (县, 6 digits), e.g. 340822 怀宁县.</summary>
public readonly record struct CountyCode(UnitCode Code) : ILevelCode<CountyCode>
{
    public static bool TryParse(string? text, out CountyCode code, [NotNullWhen(false)] out string? error)
    {
        var ok = UnitCode.TryParse(text, UnitLevel.County, out var unit, out error);
        code = new CountyCode(unit);
        return ok;
    }

    public static implicit operator UnitCode(CountyCode code) => code.Code;
    public override string ToString() => Code.Value;
}

/// <summary>Township code (乡镇, 9 digits).</summary>
public readonly record struct TownshipCode(UnitCode Code) : ILevelCode<TownshipCode>
{
    public static bool TryParse(string? text, out TownshipCode code, [NotNullWhen(false)] out string? error)
    {
        var ok = UnitCode.TryParse(text, UnitLevel.Township, out var unit, out error);
        code = new TownshipCode(unit);
        return ok;
    }

    public static implicit operator UnitCode(TownshipCode code) => code.Code;
    public override string ToString() => Code.Value;
}

/// <summary>Village or community code (村/社区, 12 digits).</summary>
public readonly record struct VillageCode(UnitCode Code) : ILevelCode<VillageCode>
{
    public static bool TryParse(string? text, out VillageCode code, [NotNullWhen(false)] out string? error)
    {
        var ok = UnitCode.TryParse(text, UnitLevel.Village, out var unit, out error);
        code = new VillageCode(unit);
        return ok;
    }

    public static implicit operator UnitCode(VillageCode code) => code.Code;
    public override string ToString() => Code.Value;
}

/// <summary>Grid code (网格): the village code and a 3-digit grid number, 15 digits.</summary>
public readonly record struct GridCode(UnitCode Code) : ILevelCode<GridCode>
{
    public static bool TryParse(string? text, out GridCode code, [NotNullWhen(false)] out string? error)
    {
        var ok = UnitCode.TryParse(text, UnitLevel.Grid, out var unit, out error);
        code = new GridCode(unit);
        return ok;
    }

    public VillageCode Village => new(Code.Parent!.Value);

    public static implicit operator UnitCode(GridCode code) => code.Code;
    public override string ToString() => Code.Value;
}
