namespace GridActors.Grains.Validation;

/// <summary>What a field of a request body names: a record the caller must be allowed to see.</summary>
public enum ReferenceKind
{
    /// <summary>A unit by its division code (a grid, a village, ...).</summary>
    Unit,

    /// <summary>A Party member by id.</summary>
    Member,

    /// <summary>An issue by id.</summary>
    Issue,

    /// <summary>
    /// A household (户) by id, of the grid in the request's path: households are registered per grid, so the id is looked
    /// up in that grid only, and the path's grid is the one the caller's jurisdiction was checked against.
    /// </summary>
    Household,

    /// <summary>A grid worker (网格员) by id, of the grid in the request's path, as <see cref="Household"/>.</summary>
    GridWorker,
}

/// <summary>
/// Marks a field of a request body (a string, or a list of strings) that names another record. The gateway checks every
/// such value against the caller's jurisdiction before the request is handled (a unit outside it is 403; a member,
/// issue, household or grid worker outside it is answered as one that does not exist), and the OpenAPI document marks the field
/// (<c>x-gridactors-reference</c>), so the access tests find every such field without a list.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ReferencesAttribute(ReferenceKind kind) : Attribute
{
    public ReferenceKind Kind { get; } = kind;
}
