namespace GridActors.Grains.Staff;

/// <summary>
/// Usernames: 3 to 32 lower-case letters, digits, dots, dashes and underscores, starting with a letter (so a username
/// never looks like a number, which the storage would alias, and never collides with another's in another letter case).
/// </summary>
public static class StaffUsernames
{
    public const int MaxLength = 32;

    public static bool IsValid(string? username) =>
        username is { Length: >= 3 and <= MaxLength } && char.IsAsciiLetterLower(username[0])
        && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_');

    public const string Rule = "must be 3 to 32 lower-case letters, digits, '.', '-' or '_', starting with a letter";
}
