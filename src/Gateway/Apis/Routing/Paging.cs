using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Mvc;

namespace GridActors.Gateway.Apis;

/// <summary>
/// <c>cursor</c> and <c>limit</c> of a list, bound with <c>[AsParameters]</c> so the OpenAPI document keeps both query
/// parameters; their rules (<see cref="PartyApiSupport.Paging"/>) are checked by <see cref="RouteChecks"/> before the
/// handler runs, under their own names.
/// </summary>
public readonly struct Paging : ICheckedValue
{
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    [FromQuery(Name = "limit")]
    public int? Limit { get; init; }

    public void Check(ValidationErrors errors, string name) => PartyApiSupport.Paging(Cursor, Limit, errors);

    /// <summary>The page of <paramref name="items"/> this cursor and limit ask for (only called once checked).</summary>
    public ListResponse<T> Of<T>(IReadOnlyList<T> items)
    {
        var (offset, take) = PartyApiSupport.Paging(Cursor, Limit, new ValidationErrors());
        return PartyApiSupport.Page(items, offset, take);
    }
}
