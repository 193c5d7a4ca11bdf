using System.Text.Json;

namespace GridActors.Grains.Vocabulary;

/// <summary>
/// The one spelling of enumerated values on the API (docs/api.md, "Vocabulary"): written in camelCase, as the gateway's
/// JSON enum converter writes them, also where a handler builds a text by hand; read by name in any letter case, so
/// the PascalCase of older clients and stored texts (<c>DisputeMediator</c>) keeps working. Never read from a number:
/// the numbers are how grain state stores a value, not part of the API.
/// </summary>
public static class EnumNames
{
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !char.IsAsciiLetter(trimmed[0]) || trimmed.Contains(','))
        {
            return false;
        }
        return Enum.TryParse(trimmed, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>Every name of <typeparamref name="T"/>, camelCase, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => All(typeof(T));

    /// <summary>Every name of the enum <paramref name="type"/>, camelCase, in declaration order.</summary>
    public static IReadOnlyList<string> All(Type type) => Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName).ToArray();

    /// <summary>"must be one of: a, b, c": the rule a 400 gives for a value that is not one of them.</summary>
    public static string OneOf<T>() where T : struct, Enum => OneOf(All<T>());

    public static string OneOf(IEnumerable<string> names) => "must be one of: " + string.Join(", ", names);

    /// <summary>
    /// The 400 rule for <paramref name="text"/>, which did not parse as a <typeparamref name="T"/>: "is required" only when
    /// nothing was given, otherwise the value is wrong and the rule lists the values that are right.
    /// </summary>
    public static string Rule<T>(string? text) where T : struct, Enum => Rule(text, All<T>());

    public static string Rule(string? text, IEnumerable<string> names) =>
        string.IsNullOrWhiteSpace(text) ? "is required: one of: " + string.Join(", ", names) : OneOf(names);
}
