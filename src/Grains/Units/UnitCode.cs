using System.Diagnostics.CodeAnalysis;

namespace GridActors.Grains.Units;

/// <summary>
/// A validated statistical division code (统计用区划代码) of a province (2 digits), city (4), county (6), township (9),
/// village (12) or grid (the village's 12 digits + a 3-digit grid number). The level and the parent follow from the
/// code itself, so no lookup is needed to walk up the tree, with one exception: which unit a county attaches to (its
/// city, its province, or none) depends on what is registered, so a county's <see cref="Parent"/> is null and the county
/// grain keeps the unit it attached to (docs/units.md). Parsed once at the edge; grains trust it.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.UnitCode")]
public readonly record struct UnitCode
{
    // Province-level prefixes of the national division codes (GB/T 2260).
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ];

    // Codes are parsed on every report and every stored issue's read: checked on spans, with no substring made.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ProvinceLookup = Provinces.GetAlternateLookup<ReadOnlySpan<char>>();

    [Id(0)] public string Value { get; }

    private UnitCode(string value) => Value = value;

    public UnitLevel Level => Value.Length switch
    {
        2 => UnitLevel.Province,
        4 => UnitLevel.City,
        6 => UnitLevel.County,
        9 => UnitLevel.Township,
        12 => UnitLevel.Village,
        _ => UnitLevel.Grid,
    };

    /// <summary>
    /// The unit this one belongs to by its code: a city's province, a township's county, and so on. Null for a province,
    /// and for a county: the county tops the programme (issues, queues and stars climb no higher), and the city or
    /// province it reports its statistics to is the one its grain attached it to.
    /// </summary>
    public UnitCode? Parent => Value.Length switch
    {
        2 or 6 => null,
        4 => new UnitCode(Value[..2]),
        _ => new UnitCode(Value[..(Value.Length - 3)]),
    };

    /// <summary>The county this unit belongs to (a county or a unit under one).</summary>
    public UnitCode County => Value.Length >= 6 ? new(Value[..6]) : throw new InvalidOperationException($"{Value} is above the county level");

    /// <summary>The province (digits 1-2).</summary>
    public UnitCode Province => new(Value[..2]);

    /// <summary>The city by the code's digits 1-4 (a city, a county or a unit under one).</summary>
    public UnitCode City => Value.Length >= 4 ? new(Value[..4]) : throw new InvalidOperationException($"{Value} is a province code");

    /// <summary>
    /// A county-level unit directly under its province (省直辖县级行政区划, such as 429004 仙桃市): GB/T 2260 gives such
    /// units the city digits 90, a city that is no unit. It attaches to the province even where the province uses cities.
    /// </summary>
    public bool DirectlyUnderProvince => Value.Length == 6 && Value.AsSpan(2, 2).SequenceEqual("90");

    /// <summary>
    /// Whether a unit may list this one as its child: the unit of <see cref="Parent"/>, or for a county its city or its
    /// province.
    /// </summary>
    public bool MayAttachTo(UnitCode parent) =>
        parent == Parent || (Level == UnitLevel.County && (parent == Province || parent == City));

    /// <summary>True when <paramref name="other"/> is this unit or lies under it.</summary>
    public bool Contains(UnitCode other) => other.Value.StartsWith(Value, StringComparison.Ordinal);

    public override string ToString() => Value;

    /// <summary>Parses a code at any level.</summary>
    public static bool TryParse(string? text, out UnitCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "a division code is required";
            return false;
        }
        if (text.Length is not (2 or 4 or 6 or 9 or 12 or 15))
        {
            error = "a division code has 2 (province), 4 (city), 6 (county), 9 (township), 12 (village) or 15 (grid) digits";
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                error = "a division code has digits only";
                return false;
            }
        }
        if (!ProvinceLookup.Contains(text.AsSpan(0, 2)))
        {
            error = $"'{text[..2]}' is not a province code";
            return false;
        }
        if (text.Length == 4 && text.AsSpan(2, 2).SequenceEqual("00"))
        {
            error = "digits 3-4 (the city within its province) cannot be 00";
            return false;
        }
        if (text.Length >= 6 && text.AsSpan(4, 2).SequenceEqual("00"))
        {
            error = "digits 5-6 (the county within its city) cannot be 00";
            return false;
        }
        for (var end = 9; end <= text.Length; end += 3)
        {
            if (text.AsSpan(end - 3, 3).SequenceEqual("000"))
            {
                error = $"digits {end - 2}-{end} cannot be 000";
                return false;
            }
        }
        code = new UnitCode(text);
        error = null;
        return true;
    }

    /// <summary>Parses a code that must be at <paramref name="level"/>.</summary>
    public static bool TryParse(string? text, UnitLevel level, out UnitCode code, [NotNullWhen(false)] out string? error)
    {
        if (!TryParse(text, out code, out error))
        {
            return false;
        }
        if (code.Level != level)
        {
            error = $"a {level.Name()} code has {level.CodeLength()} digits; '{text}' is a {code.Level.Name()} code";
            code = default;
            return false;
        }
        return true;
    }

    /// <summary>Parses a code known to be valid (from storage or a grain key); throws otherwise.</summary>
    public static UnitCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);
}
