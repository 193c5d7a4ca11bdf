using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.PartyNetwork;

/// <summary>
/// Enum values as the API writes them: camelCase names, the same as the gateway's JSON enum converter.
/// Input is parsed by name, case-insensitively, and never from a number (<see cref="EnumNames"/>).
/// </summary>
public static class PartyEnums
{
    public static string Name<T>(T value) where T : struct, Enum => EnumNames.Name(value);

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum => EnumNames.TryParse(text, out value);

    /// <summary>"one of: a, b, c": the names a field accepts, for a 400 rule ("must be one of: ...").</summary>
    public static string Choices<T>() where T : struct, Enum => "one of: " + string.Join(", ", EnumNames.All<T>());
}
