using System.Text.Json;

namespace GridActors.Grains.PartyNetwork;

/// <summary>
/// Enum values as the API writes them: camelCase names, the same as the gateway's JSON enum converter.
/// Input is parsed by name, case-insensitively, and never from a number.
/// </summary>
public static class PartyEnums
{
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !char.IsAsciiLetter(trimmed[0]))
        {
            return false;
        }
        return Enum.TryParse(trimmed, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>"a, b or c": the names a field accepts, for a 400 rule.</summary>
    public static string Choices<T>() where T : struct, Enum
    {
        var names = Enum.GetValues<T>().Select(v => Name(v)).ToArray();
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
