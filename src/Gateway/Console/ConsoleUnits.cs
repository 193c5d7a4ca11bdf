using System.Text.Json.Nodes;

namespace GridActors.Gateway.Console;

/// <summary>A unit of the tree as the console draws it.</summary>
public sealed record UnitNode(string Code, string Name, List<UnitNode> Children);

/// <summary>Division codes as the console uses them: which API collection a code belongs to, its parents, its level's name.</summary>
public static class ConsoleUnits
{
    /// <summary>The API collection of a unit code by its length (6 county, 9 township, 12 village, 15 grid); null otherwise.</summary>
    public static string? Collection(string? code) => code?.Length switch
    {
        6 => "counties",
        9 => "townships",
        12 => "villages",
        15 => "grids",
        _ => null,
    };

    public static bool IsUnitCode(string? code) => Collection(code) is not null && code!.All(char.IsAsciiDigit);

    public static string LevelName(string code, bool english) => code.Length switch
    {
        6 => english ? "County" : "县（区）",
        9 => english ? "Township" : "乡镇（街道）",
        12 => english ? "Village" : "村（社区）",
        _ => english ? "Grid" : "网格",
    };

    /// <summary>The unit's ancestors from its county down, without itself.</summary>
    public static IEnumerable<string> Ancestors(string code)
    {
        foreach (var length in new[] { 6, 9, 12 })
        {
            if (code.Length > length)
            {
                yield return code[..length];
            }
        }
    }

    /// <summary>
    /// The tree the signed-in member may see, from its jurisdiction down: a county's through the tree endpoint, a
    /// township's or village's by reading the unit and its children (the tree endpoint answers only those holding the county).
    /// </summary>
    public static async Task<(UnitNode? Root, ApiAnswer Answer)> Tree(ConsoleApi api, string root)
    {
        if (root.Length == 6)
        {
            var answer = await api.Get($"/api/v1/counties/{root}/tree");
            return (answer.Ok ? FromTree(answer.Body!) : null, answer);
        }
        var unit = await api.Get($"/api/v1/{Collection(root)}/{root}");
        if (!unit.Ok)
        {
            return (null, unit);
        }
        var node = new UnitNode(root, unit.Body!["name"]!.ToString(), []);
        foreach (var child in unit.Body!["children"]?.AsArray() ?? [])
        {
            var code = child!["code"]!.ToString();
            var (sub, answer) = code.Length < 15 ? await Tree(api, code) : (new UnitNode(code, child["name"]!.ToString(), []), unit);
            if (sub is null)
            {
                return (null, answer);
            }
            node.Children.Add(sub);
        }
        return (node, unit);
    }

    private static UnitNode FromTree(JsonNode json) => new(
        json["code"]!.ToString(), json["name"]!.ToString(), (json["children"]?.AsArray() ?? []).Select(c => FromTree(c!)).ToList());

    public static IEnumerable<UnitNode> All(UnitNode node) => new[] { node }.Concat(node.Children.SelectMany(All));

    public static UnitNode? Find(UnitNode node, string code) => All(node).FirstOrDefault(n => n.Code == code);
}
