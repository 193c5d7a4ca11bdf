namespace GridActors.Grains.Audit;

/// <summary>
/// A page of one county's day of the audit log: the entries of <paramref name="Day"/> (China time) whose unit starts with
/// <paramref name="Scope"/> (a county's code for the whole county, or a longer code inside it, such as a village's), with
/// ids above <paramref name="After"/> (0 from the start), at most <paramref name="Limit"/> of them.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] string Scope,
    [property: Id(2)] long After,
    [property: Id(3)] int Limit)
{
    /// <summary>A county's code is the first six digits of every code inside it; each county has a log of its own.</summary>
    public const int CountyDigits = 6;

    /// <summary>The county whose log is read: the first six digits of the scope.</summary>
    public string County => CountyOf(Scope);

    /// <summary>The county of a unit code: its first six digits (a shorter code stands for itself).</summary>
    public static string CountyOf(string unit) => unit[..Math.Min(CountyDigits, unit.Length)];
}
