using System.Text.Json;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Units;

/// <summary>The body of <c>PUT /api/v1/{level}/{code}</c>, as sent; checked by <see cref="UnitInput.Validate"/>.</summary>
public sealed record UnitInput(
    string? Name,
    string? Kind = null,
    IReadOnlyList<string?>? VillagerGroups = null,
    ContactInput? Leader = null,
    JsonElement? Boundary = null,
    bool? UsesCities = null)
{
    public const int MaxVillagerGroups = 50;

    /// <summary>What a village is: 村 (village) or 社区 (an urban community).</summary>
    public static readonly IReadOnlyList<string> VillageKinds = ["village", "community"];

    /// <summary>Checks the input for a unit at <paramref name="level"/>; returns the details or null with errors added.</summary>
    public UnitDetails? Validate(UnitLevel level, ValidationErrors errors)
    {
        var name = Rules.RequiredText(errors, "name", Name);

        string? kind = null;
        if (level == UnitLevel.Village)
        {
            // Read in any letter case like every enumerated value (docs/api.md, "Vocabulary"); stored and answered lower-case.
            kind = VillageKinds.FirstOrDefault(k => string.Equals(k, Kind?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (kind is null)
            {
                errors.Add("kind", string.IsNullOrWhiteSpace(Kind) ? "is required for a village: one of: village, community" : EnumNames.OneOf(VillageKinds));
            }
        }
        else if (Kind is not null)
        {
            errors.Add("kind", "applies only to villages");
        }

        List<string>? groups = null;
        Contact? leader = null;
        string? boundary = null;
        if (level == UnitLevel.Grid)
        {
            if (VillagerGroups is not null)
            {
                if (VillagerGroups.Count > MaxVillagerGroups)
                {
                    errors.Add("villagerGroups", $"must have at most {MaxVillagerGroups} entries");
                }
                groups = [];
                for (var i = 0; i < VillagerGroups.Count && i < MaxVillagerGroups; i++)
                {
                    if (Rules.RequiredText(errors, $"villagerGroups[{i}]", VillagerGroups[i], 50) is { } group)
                    {
                        if (groups.Contains(group))
                        {
                            errors.Add($"villagerGroups[{i}]", "must not repeat a group");
                        }
                        groups.Add(group);
                    }
                }
            }
            if (Leader is not null)
            {
                var leaderName = Rules.RequiredText(errors, "leader.name", Leader.Name);
                var phone = Rules.Phone(errors, "leader.phone", Leader.Phone);
                leader = leaderName is null || phone is null ? null : new Contact(leaderName, phone);
            }
            if (Boundary is { ValueKind: not JsonValueKind.Null } geo)
            {
                boundary = GeoJsonBoundary.Validate(errors, "boundary", geo);
            }
        }
        else
        {
            if (VillagerGroups is not null)
            {
                errors.Add("villagerGroups", "applies only to grids");
            }
            if (Leader is not null)
            {
                errors.Add("leader", "applies only to grids");
            }
            if (Boundary is { ValueKind: not JsonValueKind.Null })
            {
                errors.Add("boundary", "applies only to grids");
            }
        }

        bool? usesCities = null;
        if (level == UnitLevel.Province)
        {
            // A province's counties attach to their cities unless it says otherwise (docs/units.md).
            usesCities = UsesCities ?? true;
        }
        else if (UsesCities is not null)
        {
            errors.Add("usesCities", "applies only to provinces");
        }

        return errors.IsEmpty ? new UnitDetails(name!, kind, groups, leader, boundary, usesCities) : null;
    }
}

public sealed record ContactInput(string? Name, string? Phone);
