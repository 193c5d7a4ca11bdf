using System.Text.Json;
using GridActors.Grains.Validation;

namespace GridActors.Grains.Units;

/// <summary>
/// A grid's boundary: a GeoJSON (RFC 7946) Polygon or MultiPolygon in WGS84, positions as [longitude, latitude].
/// Checked once at the edge; stored as compact JSON text.
/// </summary>
public static class GeoJsonBoundary
{
    public const int MaxPositions = 20_000;

    /// <summary>Checks the boundary and returns its compact JSON, or null with errors added.</summary>
    public static string? Validate(ValidationErrors errors, string field, JsonElement boundary)
    {
        if (boundary.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "must be a GeoJSON Polygon or MultiPolygon object");
            return null;
        }
        if (!boundary.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{field}.type", "is required: Polygon or MultiPolygon");
            return null;
        }
        if (!boundary.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{field}.coordinates", "is required and must be an array");
            return null;
        }
        var before = errors.ToString();
        var positions = 0;
        switch (type.GetString())
        {
            case "Polygon":
                CheckPolygon(errors, $"{field}.coordinates", coordinates, ref positions);
                break;
            case "MultiPolygon":
                if (coordinates.GetArrayLength() == 0)
                {
                    errors.Add($"{field}.coordinates", "must hold at least one polygon");
                }
                var p = 0;
                foreach (var polygon in coordinates.EnumerateArray())
                {
                    CheckPolygon(errors, $"{field}.coordinates[{p++}]", polygon, ref positions);
                }
                break;
            default:
                errors.Add($"{field}.type", "must be Polygon or MultiPolygon");
                return null;
        }
        if (positions > MaxPositions)
        {
            errors.Add($"{field}.coordinates", $"must have at most {MaxPositions} positions");
        }
        if (errors.ToString() != before)
        {
            return null;
        }
        return JsonSerializer.Serialize(new { type = type.GetString(), coordinates });
    }

    private static void CheckPolygon(ValidationErrors errors, string field, JsonElement polygon, ref int positions)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0)
        {
            errors.Add(field, "a polygon is a non-empty array of linear rings");
            return;
        }
        var r = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            var ringField = $"{field}[{r++}]";
            if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4)
            {
                errors.Add(ringField, "a linear ring has at least 4 positions");
                continue;
            }
            var i = 0;
            (double Lon, double Lat)? first = null, last = null;
            foreach (var position in ring.EnumerateArray())
            {
                positions++;
                var positionField = $"{ringField}[{i++}]";
                if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3
                    || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number)
                {
                    errors.Add(positionField, "a position is [longitude, latitude]");
                    return;
                }
                var lon = position[0].GetDouble();
                var lat = position[1].GetDouble();
                if (lon is < -180 or > 180 || lat is < -90 or > 90)
                {
                    errors.Add(positionField, "longitude must be within [-180, 180] and latitude within [-90, 90] (WGS84)");
                    return;
                }
                first ??= (lon, lat);
                last = (lon, lat);
            }
            if (first != last)
            {
                errors.Add(ringField, "a linear ring must end at its first position");
            }
        }
    }
}
