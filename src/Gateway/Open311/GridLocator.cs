using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using GridActors.Grains.Units;
using Microsoft.Extensions.Options;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridActors.Gateway.Open311;

/// <summary>
/// Finds the grid (网格) whose boundary contains a point, with one spatial index (an STR-tree of the grids'
/// bounding boxes, then an exact point-in-polygon test) per county, kept in this gateway's memory.
/// Why a cache in the gateway and not a grain: the index is derived data, cheap to rebuild from the grid
/// grains, and a point lookup is then a memory lookup instead of one more grain call on every report; each
/// gateway holds the counties it is asked about. How it stays right when a boundary changes (docs/open311.md):
/// <list type="bullet">
/// <item>a hit is confirmed against the grid's current version (one grain call, which the report makes
/// anyway); a grid whose version changed rebuilds the county's index and the point is located again;</item>
/// <item>a miss rebuilds the index when it is older than <see cref="Open311Options.RebuildOnMissAfter"/>,
/// so a newly drawn grid is found;</item>
/// <item>every index is rebuilt after <see cref="Open311Options.GridIndexLifetime"/> regardless;</item>
/// <item>a grid written through this gateway (<c>PUT /api/v1/grids/{code}</c>) drops its county's index before the
/// PUT answers (<see cref="GridWrites"/>), so the boundary is used from the next request on, whatever it changed.
/// Other gateways learn of it by the rules above.</item>
/// </list>
/// </summary>
public sealed class GridLocator(IGrainFactory grains, IOptionsMonitor<Open311Options> options)
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private readonly ConcurrentDictionary<string, CountyIndex> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _building = new(StringComparer.Ordinal);
    /// <summary>
    /// Moved by every <see cref="Forget"/>: an index is used only while it was built in the county's current
    /// generation, so a build that read the grids before a write and finished after it is not kept.
    /// </summary>
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>Drops the county's index: a grid of it was written, and the next lookup must see the new boundary.</summary>
    public void Forget(CountyCode county)
    {
        var key = county.ToString();
        _generations.AddOrUpdate(key, 1, (_, g) => g + 1);
        _indexes.TryRemove(key, out _);
    }

    /// <summary>The grid containing the point (latitude, longitude in WGS84), or null when none does.</summary>
    public async Task<string?> Locate(CountyCode county, double latitude, double longitude, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var index = await Index(county, i => i.Age < settings.GridIndexLifetime, cancellationToken);
        var hit = index.Find(longitude, latitude);
        if (hit is null)
        {
            if (index.Age < settings.RebuildOnMissAfter)
            {
                return null;
            }
            index = await Index(county, i => i.Age < settings.RebuildOnMissAfter, cancellationToken);
            return index.Find(longitude, latitude)?.Code;
        }
        var current = await grains.GetGrid(new GridCode(UnitCode.Parse(hit.Code))).Get();
        if (current is not null && current.Version == hit.Version)
        {
            return hit.Code;
        }
        var stale = index;
        index = await Index(county, i => i.Built > stale.Built, cancellationToken);
        return index.Find(longitude, latitude)?.Code;
    }

    /// <summary>Grids indexed for a county (those with a boundary) and how long the last build took.</summary>
    public (int Grids, TimeSpan BuildTime)? Describe(CountyCode county) =>
        _indexes.TryGetValue(county.ToString(), out var index) ? (index.Count, index.BuildTime) : null;

    /// <summary>The county's index if <paramref name="usable"/>; otherwise one built now (one build at a time per county).</summary>
    private async Task<CountyIndex> Index(CountyCode county, Func<CountyIndex, bool> usable, CancellationToken cancellationToken)
    {
        var key = county.ToString();
        if (_indexes.TryGetValue(key, out var index) && Current(key, index) && usable(index))
        {
            return index;
        }
        var gate = _building.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have rebuilt it while this one waited.
            if (_indexes.TryGetValue(key, out index) && Current(key, index) && usable(index))
            {
                return index;
            }
            var generation = Generation(key);
            index = await Build(county, generation);
            _indexes[key] = index;
            return index;
        }
        finally
        {
            gate.Release();
        }
    }

    private long Generation(string county) => _generations.TryGetValue(county, out var generation) ? generation : 0;

    private bool Current(string county, CountyIndex index) => index.Generation == Generation(county);

    private async Task<CountyIndex> Build(CountyCode county, long generation)
    {
        var started = Stopwatch.GetTimestamp();
        var tree = await grains.GetCounty(county).GetSubtree();
        var codes = new List<string>();
        if (tree is not null)
        {
            CollectGrids(tree, codes);
        }
        var shapes = new List<GridShape>();
        foreach (var chunk in codes.Chunk(256))
        {
            var views = await Task.WhenAll(chunk.Select(c => grains.GetGrid(new GridCode(UnitCode.Parse(c))).Get()));
            foreach (var view in views)
            {
                if (view?.Details.BoundaryGeoJson is { } geoJson && GeoJsonPolygons.Read(geoJson) is { } geometry)
                {
                    shapes.Add(new GridShape(view.Code, view.Version, geometry, geometry.Area));
                }
            }
        }
        return new CountyIndex(shapes, Stopwatch.GetElapsedTime(started), generation);
    }

    private static void CollectGrids(UnitTreeNode node, List<string> codes)
    {
        if (node.Level == UnitLevel.Grid)
        {
            codes.Add(node.Code);
        }
        foreach (var child in node.Children)
        {
            CollectGrids(child, codes);
        }
    }

    private sealed record GridShape(string Code, long Version, Geometry Boundary, double Area);

    private sealed class CountyIndex
    {
        private readonly STRtree<GridShape> _tree = new();

        public CountyIndex(IReadOnlyList<GridShape> shapes, TimeSpan buildTime, long generation)
        {
            Generation = generation;
            foreach (var shape in shapes)
            {
                _tree.Insert(shape.Boundary.EnvelopeInternal, shape);
            }
            // Built now, once, so concurrent lookups only read it.
            _tree.Build();
            Count = shapes.Count;
            BuildTime = buildTime;
            Built = Stopwatch.GetTimestamp();
        }

        public long Generation { get; }
        public int Count { get; }
        public TimeSpan BuildTime { get; }
        public long Built { get; }
        public TimeSpan Age => Stopwatch.GetElapsedTime(Built);

        /// <summary>
        /// The grid containing the point (a point on a boundary counts as inside). Where drawn boundaries
        /// overlap, the smaller grid wins (the more specific one), then the lower code, so the answer is stable.
        /// </summary>
        public GridShape? Find(double longitude, double latitude)
        {
            if (Count == 0)
            {
                return null;
            }
            var point = new Coordinate(longitude, latitude);
            GridShape? best = null;
            foreach (var shape in _tree.Query(new Envelope(point)))
            {
                // SimplePointInAreaLocator keeps no state, so lookups from many requests at once are safe.
                if (SimplePointInAreaLocator.Locate(point, shape.Boundary) == Location.Exterior)
                {
                    continue;
                }
                if (best is null || shape.Area < best.Area || (shape.Area == best.Area && string.CompareOrdinal(shape.Code, best.Code) < 0))
                {
                    best = shape;
                }
            }
            return best;
        }
    }

    /// <summary>Reads the GeoJSON Polygon or MultiPolygon a grid stores (checked when it was written).</summary>
    internal static class GeoJsonPolygons
    {
        public static Geometry? Read(string geoJson)
        {
            try
            {
                using var document = JsonDocument.Parse(geoJson);
                var root = document.RootElement;
                var coordinates = root.GetProperty("coordinates");
                return root.GetProperty("type").GetString() switch
                {
                    "Polygon" => Polygon(coordinates),
                    "MultiPolygon" => Factory.CreateMultiPolygon(coordinates.EnumerateArray().Select(Polygon).ToArray()),
                    _ => null,
                };
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
            {
                // A boundary that cannot be read is left out of the index rather than failing every lookup.
                return null;
            }
        }

        private static Polygon Polygon(JsonElement rings)
        {
            var linear = rings.EnumerateArray()
                .Select(ring => Factory.CreateLinearRing(ring.EnumerateArray().Select(p => new Coordinate(p[0].GetDouble(), p[1].GetDouble())).ToArray()))
                .ToArray();
            return Factory.CreatePolygon(linear[0], linear[1..]);
        }
    }
}
