using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;

namespace GridActors.Gateway.Console;

/// <summary>One series of a bar chart: its label, colour and a value per group (null: no data).</summary>
public sealed record BarSeries(string Label, string Colour, IReadOnlyList<double?> Values);

/// <summary>A grid on the map: its boundary as stored (GeoJSON Polygon or MultiPolygon) and the issues it holds.</summary>
public sealed record MapGrid(string Code, string Name, JsonNode? Boundary, int Open, int Overdue);

/// <summary>
/// Charts and the map drawn on the server as SVG: nothing to download, nothing to run in the browser, readable on a
/// phone and printable. Names are HTML-encoded; everything else written is a number.
/// </summary>
public static class ConsoleSvg
{
    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    public const string OkColour = "#43a047";
    public const string OpenColour = "#f5a623";
    public const string OverdueColour = "#d93025";

    /// <summary>Grouped bars (one group per period), values from 0 to <paramref name="max"/>, each bar labelled.</summary>
    public static MarkupString Bars(string title, IReadOnlyList<string> groups, IReadOnlyList<BarSeries> series, double max, Func<double, string> format)
    {
        // Narrow enough that its words stay readable when a phone draws it 320 px wide.
        const int width = 400, height = 240, left = 38, bottom = 200, top = 20;
        var plotWidth = width - left - 10;
        var groupWidth = plotWidth / (double)groups.Count;
        var barWidth = Math.Min(34, (groupWidth - 16) / series.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height + 24}\" role=\"img\" aria-label=\"{E(title)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i <= 4; i++)
        {
            var y = bottom - (bottom - top) * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{width - 10}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"#e3e8ee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{N(y + 4)}\" font-size=\"12\" text-anchor=\"end\" fill=\"#61707f\">{E(format(max * i / 4))}</text>");
        }
        for (var g = 0; g < groups.Count; g++)
        {
            var start = left + g * groupWidth + (groupWidth - barWidth * series.Count) / 2;
            for (var s = 0; s < series.Count; s++)
            {
                var x = start + s * barWidth;
                if (series[s].Values[g] is not { } value)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + barWidth / 2)}\" y=\"{bottom - 4}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#9aa5b1\">–</text>");
                    continue;
                }
                var h = max <= 0 ? 0 : (bottom - top) * Math.Clamp(value / max, 0, 1);
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{N(x + 2)}\" y=\"{N(bottom - h)}\" width=\"{N(barWidth - 4)}\" height=\"{N(h)}\" rx=\"3\" fill=\"{series[s].Colour}\"><title>{E(series[s].Label)} {E(groups[g])}: {E(format(value))}</title></rect>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + barWidth / 2)}\" y=\"{N(bottom - h - 4)}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2933\">{E(format(value))}</text>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(left + g * groupWidth + groupWidth / 2)}\" y=\"{bottom + 18}\" font-size=\"14\" text-anchor=\"middle\" fill=\"#1f2933\">{E(groups[g])}</text>");
        }
        var lx = left;
        foreach (var s in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{height + 6}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{s.Colour}\"/><text x=\"{lx + 14}\" y=\"{height + 15}\" font-size=\"13\" fill=\"#61707f\">{E(s.Label)}</text>");
            lx += 26 + s.Label.Length * 14;
        }
        svg.Append("</svg>");
        return new MarkupString(svg.ToString());
    }

    /// <summary>
    /// The grids drawn from their boundaries (WGS84, equirectangular with the longitude scaled by the cosine of the
    /// middle latitude, so a county's shape is not stretched), each a link to its page, coloured by what it holds.
    /// </summary>
    public static MarkupString Map(IReadOnlyList<MapGrid> grids, bool english)
    {
        var shapes = grids.Select(g => (Grid: g, Polygons: Polygons(g.Boundary))).Where(s => s.Polygons.Count > 0).ToList();
        if (shapes.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{E(english ? "No grid of this unit has a stored boundary yet." : "本单位的网格尚未录入边界。")}</p>");
        }
        var points = shapes.SelectMany(s => s.Polygons).SelectMany(p => p).SelectMany(r => r).ToList();
        var (minX, maxX, minY, maxY) = (points.Min(p => p.X), points.Max(p => p.X), points.Min(p => p.Y), points.Max(p => p.Y));
        var k = Math.Cos((minY + maxY) / 2 * Math.PI / 180);
        var spanX = Math.Max((maxX - minX) * k, 1e-9);
        var spanY = Math.Max(maxY - minY, 1e-9);
        const double width = 800, pad = 16;
        var height = Math.Clamp(width * spanY / spanX, 240, 600);
        var scale = Math.Min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
        (double X, double Y) P((double X, double Y) p) => (pad + (p.X - minX) * k * scale, height - pad - (p.Y - minY) * scale);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {N(width)} {N(height)}\" role=\"img\" aria-label=\"{E(english ? "Map of grids" : "网格地图")}\" xmlns=\"http://www.w3.org/2000/svg\">");
        foreach (var (grid, polygons) in shapes)
        {
            var fill = grid.Overdue > 0 ? OverdueColour : grid.Open > 0 ? OpenColour : OkColour;
            var state = grid.Overdue > 0 ? "overdue" : grid.Open > 0 ? "open" : "clear";
            var path = new StringBuilder();
            foreach (var ring in polygons.SelectMany(p => p))
            {
                path.Append('M');
                path.AppendJoin(" L", ring.Select(P).Select(p => $"{N(p.X)},{N(p.Y)}"));
                path.Append('Z');
            }
            var outer = polygons.Select(p => p[0]).MaxBy(r => r.Count)!;
            var (cx, cy) = P((outer.Average(p => p.X), outer.Average(p => p.Y)));
            var counts = english ? $"{grid.Open} open, {grid.Overdue} overdue" : $"在办 {grid.Open} · 超期 {grid.Overdue}";
            svg.Append(CultureInfo.InvariantCulture, $"<a href=\"/console/units/{grid.Code}\" data-grid=\"{grid.Code}\" data-state=\"{state}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"{fill}\" fill-opacity=\"0.55\" stroke=\"{fill}\" stroke-width=\"1.5\" fill-rule=\"evenodd\"><title>{E(grid.Name)}: {E(counts)}</title></path>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(cx)}\" y=\"{N(cy)}\" font-size=\"24\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#1f2933\">{E(grid.Name)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(cx)}\" y=\"{N(cy + 26)}\" font-size=\"19\" text-anchor=\"middle\" fill=\"#1f2933\">{E(counts)}</text></a>");
        }
        svg.Append("</svg>");
        return new MarkupString(svg.ToString());
    }

    /// <summary>Polygons, each a list of rings, each a list of [lon, lat]; empty for no or an unreadable boundary.</summary>
    private static List<List<List<(double X, double Y)>>> Polygons(JsonNode? boundary)
    {
        static List<(double X, double Y)> Ring(JsonNode? ring) =>
            (ring as JsonArray ?? []).Select(p => (p![0]!.GetValue<double>(), p[1]!.GetValue<double>())).ToList();
        static List<List<(double X, double Y)>> Polygon(JsonNode? polygon) => (polygon as JsonArray ?? []).Select(Ring).ToList();
        return boundary?["type"]?.ToString() switch
        {
            "Polygon" => [Polygon(boundary["coordinates"])],
            "MultiPolygon" => (boundary["coordinates"] as JsonArray ?? []).Select(Polygon).ToList(),
            _ => [],
        };
    }
}
