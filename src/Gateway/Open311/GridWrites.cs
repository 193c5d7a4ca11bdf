using GridActors.Grains.Units;

namespace GridActors.Gateway.Open311;

/// <summary>
/// Tells this gateway's <see cref="GridLocator"/> that a grid (网格) was written: after a successful
/// <c>PUT /api/v1/grids/{code}</c>, the county's spatial index is dropped before the answer's headers leave, so a
/// client that posts an Open311 request as soon as the PUT answers is routed by the new boundary.
/// </summary>
/// <remarks>
/// Why a middleware watching the endpoint and not a call in the units API: the units API knows nothing of Open311, and
/// the locator is a cache of this feature; keeping the hook here keeps the whole cache (what fills it, what empties it)
/// in one folder. The grid's endpoint is recognised by its name (<c>PutGrid</c>, from <c>UnitsApi</c>); the Open311
/// tests put a boundary and post at once, so renaming it fails them. Other gateways do not hear of the write: there the
/// locator's own rules apply (docs/open311.md).
/// </remarks>
internal sealed class GridWrites(GridLocator locator) : IStartupFilter
{
    internal const string PutGridEndpoint = "PutGrid";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Not async: every request passes here, and an awaiting wrapper would keep a state machine per request.
        app.Use((http, call) =>
        {
            if (HttpMethods.IsPut(http.Request.Method))
            {
                // OnStarting runs before the status line is sent: the client cannot see the answer before the index is dropped.
                http.Response.OnStarting(() =>
                {
                    if (http.Response.StatusCode is >= 200 and < 300
                        && http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == PutGridEndpoint
                        && http.Request.RouteValues.TryGetValue("code", out var code)
                        && UnitCode.TryParse(code?.ToString(), UnitLevel.Grid, out var grid, out _))
                    {
                        locator.Forget(new CountyCode(grid.County));
                    }
                    return Task.CompletedTask;
                });
            }
            return call(http);
        });
        next(app);
    };
}
