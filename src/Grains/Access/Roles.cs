using GridActors.Grains.Units;

namespace GridActors.Grains.Access;

/// <summary>
/// What a calling app (or signed-in staff member) may do. Every role reads within its jurisdiction;
/// <c>reporter</c> creates issues, <c>handler</c> moves issues held in its jurisdiction, <c>manager</c> keeps
/// units, categories, Party records, cadres and ratings, <c>admin</c> keeps keys and reads the audit log.
/// </summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Reporter = "reporter";
    public const string Handler = "handler";
    public const string Manager = "manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Reporter, Handler, Manager, Admin];
}

/// <summary>
/// A jurisdiction: a division code prefix (34 a province, 3408 a city, 340822 a county, down to a grid's 15
/// digits). The empty prefix is the whole country, held only by the bootstrap admin key.
/// </summary>
public static class Jurisdictions
{
    public static bool IsValid(string? prefix) =>
        prefix is { Length: >= 2 and <= 15 } && prefix.All(char.IsAsciiDigit)
        && (prefix.Length is 2 or 4 || UnitCode.TryParse(prefix, out _, out _));

    public static bool Covers(string jurisdiction, string unitCode) => unitCode.StartsWith(jurisdiction, StringComparison.Ordinal);
}
