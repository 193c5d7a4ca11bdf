using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// The one spelling of enumerated values (docs/api.md, "Vocabulary"): a value that names a member of any public enum of
/// GridActors.Grains is written in camelCase, whether the serializer wrote it or a handler built the string by hand.
/// </summary>
internal static partial class Vocabulary
{
    /// <summary>Every public enum member's name, case-insensitively, to its camelCase spelling.</summary>
    public static readonly IReadOnlyDictionary<string, string> Names = typeof(GridActors.Grains.Units.UnitLevel).Assembly.GetExportedTypes()
        .Where(t => t.IsEnum)
        .SelectMany(Enum.GetNames)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToDictionary(n => n, n => JsonNamingPolicy.CamelCase.ConvertName(n), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Where <paramref name="answer"/> spells an enum value otherwise than in camelCase: a string value or object key equal
    /// to an enum name, or a compound PascalCase enum name (<c>BranchSecretary</c>) inside a text such as a warning. A
    /// single capitalised word inside a text (<c>Other</c>) is left alone: English sentences begin that way.
    /// </summary>
    public static IEnumerable<string> Offences(string where, JsonNode? answer)
    {
        var found = new List<string>();
        Walk(answer, "$", found);
        return found.Select(f => $"{where}: {f}");
    }

    private static void Walk(JsonNode? node, string path, List<string> found)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    Check(key, $"{path} (key)", whole: true, found);
                    Walk(value, $"{path}.{key}", found);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], $"{path}[{i}]", found);
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                Check(text, path, whole: true, found);
                foreach (Match word in Word().Matches(text))
                {
                    if (word.Value != text && Compound().IsMatch(word.Value))
                    {
                        Check(word.Value, $"{path} (in \"{Short(text)}\")", whole: false, found);
                    }
                }
                break;
        }
    }

    private static void Check(string text, string path, bool whole, List<string> found)
    {
        if (Names.TryGetValue(text, out var camel) && text != camel)
        {
            found.Add($"{path} = \"{text}\", not \"{camel}\"");
        }
    }

    private static string Short(string text) => text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex Word();

    /// <summary>Two or more capitalised parts: BranchSecretary, DisputeMediator.</summary>
    [GeneratedRegex(@"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")]
    private static partial Regex Compound();
}
