namespace GridActors.Grains.Units;

/// <summary>A person named on a unit, such as the grid leader (网格长).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.Contact")]
public sealed record Contact(string Name, string Phone);

/// <summary>
/// What a caller sets on a unit. <see cref="Kind"/> is for villages (village | community);
/// <see cref="VillagerGroups"/>, <see cref="Leader"/> and <see cref="BoundaryGeoJson"/> are for grids;
/// <see cref="UsesCities"/> is for provinces (null elsewhere): whether its counties attach to their cities (true) or to
/// the province itself (false, as in a municipality 直辖市 whose districts have no city between).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.UnitDetails")]
public sealed record UnitDetails(
    string Name,
    string? Kind = null,
    IReadOnlyList<string>? VillagerGroups = null,
    Contact? Leader = null,
    string? BoundaryGeoJson = null,
    bool? UsesCities = null);

/// <summary>A child unit as its parent lists it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ChildUnit")]
public sealed record ChildUnit(string Code, string Name);

/// <summary>A unit as it is read back: its details, its children and its version (the ETag).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.UnitView")]
public sealed record UnitView(
    string Code,
    UnitLevel Level,
    UnitDetails Details,
    IReadOnlyList<ChildUnit> Children,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Parent = null);

/// <summary>
/// An answer of <see cref="IUnitGrain.Read"/>: the unit's revision (changes with every stored change: details, name or
/// children; null when not registered) and its view (null when not registered or unchanged since the revision asked about).
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.UnitRead")]
public sealed record UnitRead(string? Revision, UnitView? View);

/// <summary>One node of a unit's tree, down to grids.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.UnitTreeNode")]
public sealed record UnitTreeNode(string Code, UnitLevel Level, string Name, string? Kind, IReadOnlyList<UnitTreeNode> Children);

public enum UpsertStatus
{
    Created,
    Updated,
    /// <summary>The parent unit is not registered; nothing was written.</summary>
    ParentMissing,
    /// <summary>The caller's expected version (If-Match) is not the current one; nothing was written.</summary>
    VersionMismatch,
    /// <summary>The change contradicts units already registered (<see cref="UpsertOutcome.Detail"/> says how); nothing was written.</summary>
    Conflict,
}

[GenerateSerializer, Immutable, Alias("GridActors.UpsertOutcome")]
public sealed record UpsertOutcome(UpsertStatus Status, UnitView? Unit, string? MissingParent = null, string? Detail = null);
