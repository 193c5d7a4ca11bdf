using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Validation;

namespace GridActors.Grains.Households;

/// <summary>The body of <c>POST /api/v1/grids/{code}/households</c> and its PUT, as sent.</summary>
public sealed record HouseholdInput(
    string? Head,
    string? Address,
    string? Phone = null,
    int? Size = null,
    IReadOnlyList<string?>? Needs = null,
    string? NeedsNote = null,
    bool? Vulnerable = null,
    string? Vulnerability = null,
    IReadOnlyList<string?>? MemberIds = null,
    bool? PartyMemberHome = null,
    bool? Central = null,
    IReadOnlyList<string?>? ServedHouseholds = null)
{
    public const int MaxNeeds = 10;
    public const int MaxMembers = 10;
    public const int MaxServed = 20;

    public HouseholdDetails? Validate(ValidationErrors errors)
    {
        var head = Rules.RequiredText(errors, "head", Head, 50);
        var address = Rules.RequiredText(errors, "address", Address, 200);
        var phone = Phone is null ? null : Rules.Phone(errors, "phone", Phone);
        if (Size is < 1 or > 50)
        {
            errors.Add("size", "must be from 1 to 50 people");
        }
        var needs = ServiceTags.Validate(errors, "needs", Needs, MaxNeeds);
        var needsNote = Rules.OptionalText(errors, "needsNote", NeedsNote, 1000, multiline: true);
        var vulnerable = Vulnerable ?? false;
        var vulnerability = Rules.OptionalText(errors, "vulnerability", Vulnerability, 200);
        if (vulnerability is not null && !vulnerable)
        {
            errors.Add("vulnerability", "applies only when vulnerable is true");
        }
        var members = Ids(errors, "memberIds", MemberIds, MaxMembers, "a member id (a GUID)");
        var plaque = PartyMemberHome ?? false;
        var central = Central ?? false;
        if (plaque && members.Count == 0)
        {
            errors.Add("partyMemberHome", "only a member household carries the \"Party member home\" plaque (党员之家): give its memberIds");
        }
        if (central && members.Count == 0)
        {
            errors.Add("central", "a central household (党员中心户) is a member household: give its memberIds");
        }
        var served = Ids(errors, "servedHouseholds", ServedHouseholds, MaxServed, "a household id (a GUID)");
        if (served.Count > 0 && !central)
        {
            errors.Add("servedHouseholds", "only a central household (党员中心户, central: true) is linked to the households it serves");
        }
        return errors.IsEmpty
            ? new HouseholdDetails(head!, address!, phone, Size, needs, needsNote, vulnerable, vulnerability, members, plaque, central, served)
            : null;
    }

    private static List<Guid> Ids(ValidationErrors errors, string field, IReadOnlyList<string?>? texts, int max, string what)
    {
        var ids = new List<Guid>();
        if (texts is null)
        {
            return ids;
        }
        if (texts.Count > max)
        {
            errors.Add(field, $"must have at most {max} entries");
            return ids;
        }
        for (var i = 0; i < texts.Count; i++)
        {
            if (!Guid.TryParse(texts[i], out var id))
            {
                errors.Add($"{field}[{i}]", $"must be {what}");
            }
            else if (ids.Contains(id))
            {
                errors.Add($"{field}[{i}]", "must not repeat an entry");
            }
            else
            {
                ids.Add(id);
            }
        }
        return ids;
    }
}

/// <summary>The body of <c>POST /api/v1/grids/{code}/pairings</c>: the explicit acceptance of a pairing.</summary>
public sealed record PairingInput(string? HouseholdId, [property: References(ReferenceKind.Member)] string? MemberId, IReadOnlyList<string?>? Needs = null, string? By = null);

/// <summary>The body of <c>POST /api/v1/grids/{code}/pairings/{id}/visits</c>.</summary>
public sealed record VisitInput(string? Date, string? Note, string? By = null);

/// <summary>The body of <c>POST /api/v1/grids/{code}/pairings/{id}/end</c>.</summary>
public sealed record EndPairingInput(string? Reason, string? By = null);
