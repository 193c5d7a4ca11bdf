using System.Security.Claims;
using GridActors.Grains.Access;

namespace GridActors.Gateway.Access;

/// <summary>Who is calling: an app's API key, or a staff member signed in through OpenID Connect.</summary>
public sealed record Caller(string Id, string App, string Jurisdiction, IReadOnlySet<string> Roles)
{
    public const string JurisdictionClaim = "jurisdiction";
    public const string AppClaim = "app";

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>Who this caller is, as recorded with what it does: its key id (or subject) and its app (or name).</summary>
    public Actor Actor { get; } = new(Id, App);

    public bool Covers(string unitCode) => Jurisdictions.Covers(Jurisdiction, unitCode);

    /// <summary>May see personal data of an issue or record in <paramref name="unitCode"/> (handler or manager there).</summary>
    public bool MaySeePersonalData(string unitCode) => (Has(GridActors.Grains.Access.Roles.Handler) || Has(GridActors.Grains.Access.Roles.Manager)) && Covers(unitCode);

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        var roles = user.FindAll(ClaimTypes.Role).Concat(user.FindAll("roles")).Concat(user.FindAll("role"))
            .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            .Where(r => GridActors.Grains.Access.Roles.All.Contains(r))
            .ToHashSet(StringComparer.Ordinal);
        var jurisdiction = user.FindFirst(JurisdictionClaim)?.Value;
        if (jurisdiction is null || (jurisdiction.Length > 0 && !Jurisdictions.IsValid(jurisdiction)))
        {
            return null;
        }
        var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? "unknown";
        return new Caller(id, user.FindFirst(AppClaim)?.Value ?? user.Identity.Name ?? id, jurisdiction, roles);
    }
}

public static class CallerExtensions
{
    /// <summary>The authenticated caller; the access middleware guarantees one on every /api/v1 endpoint.</summary>
    public static Caller Caller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? Access.Caller.From(http.User) ?? throw new InvalidOperationException("no authenticated caller");
}
