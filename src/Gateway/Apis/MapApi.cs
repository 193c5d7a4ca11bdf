using System.Text.Json;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Maps;
using GridActors.Grains.Units;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Apis;

/// <summary>The grids under a unit with their boundaries and what each holds now: what a map of the unit draws.</summary>
public static class MapApi
{
    public static IEndpointRouteBuilder MapGridMapApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Units");
        foreach (var (collection, level) in UnitsApi.Collections.Where(c => c.Value.InProgramme()))
        {
            api.MapGet($"/{collection}/{{code}}/grid-map", async ([Registered] LevelValue code, IGrainFactory grains) =>
                    await grains.GetGrain<IGridMapGrain>(0).Grids(code.Unit) is { } grids
                        ? (Results<Ok<GridMapResponse>, ProblemHttpResult>)TypedResults.Ok(new GridMapResponse(grids.Select(MapGridResponse.From).ToArray()))
                        : Problems.NotFound($"No {level.Name()} {code.Unit} is registered."))
                .ForLevel(level)
                .WithName($"Get{level}GridMap")
                .WithSummary($"The grids of a {level.Name()} for its map")
                .WithDescription("网格地图: every grid under the unit with its name, its boundary (GeoJSON, WGS84; null when none was given), "
                    + "the issues it holds open now and how many of them are overdue. One read for the whole map.");
        }
        return endpoints;
    }
}

public sealed record GridMapResponse(IReadOnlyList<MapGridResponse> Items);

public sealed record MapGridResponse(string Code, string Name, JsonElement? Boundary, int Open, int Overdue)
{
    public static MapGridResponse From(MapGridView grid) => new(grid.Code, grid.Name,
        grid.BoundaryGeoJson is { } geo ? JsonDocument.Parse(geo).RootElement.Clone() : null, grid.Open, grid.Overdue);
}
