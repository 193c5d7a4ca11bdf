using GridActors.Grains.Access;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Access;

/// <summary>
/// What an API key or a staff account is given: a jurisdiction and roles, read from a request body the same way for both,
/// so the two never disagree on what a valid grant is.
/// </summary>
internal static class Grants
{
    /// <summary>
    /// The distinct valid roles of <paramref name="roles"/>; every invalid field is added to <paramref name="errors"/>. The
    /// empty jurisdiction (the whole deployment) is valid only from a caller that has it: operators come from the bootstrap admin.
    /// </summary>
    public static IReadOnlyList<string> Read(ValidationErrors errors, Caller caller, string? jurisdiction, IReadOnlyList<string?>? roles)
    {
        if (!Jurisdictions.IsValid(jurisdiction) && !(jurisdiction == "" && caller.Jurisdiction.Length == 0))
        {
            errors.Add("jurisdiction", "must be a division code prefix: 2 (province), 4 (city), 6, 9, 12 or 15 digits");
        }
        var valid = new List<string>();
        if (roles is null || roles.Count == 0)
        {
            errors.Add("roles", $"must name at least one of {string.Join(", ", Roles.All)}");
            return valid;
        }
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] is { } role && Roles.All.Contains(role))
            {
                valid.Add(role);
            }
            else
            {
                errors.Add($"roles[{i}]", $"must be one of {string.Join(", ", Roles.All)}");
            }
        }
        return valid.Distinct().ToArray();
    }
}
