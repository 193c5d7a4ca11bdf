using YamlDotNet.RepresentationModel;

namespace GridActors.Tests.Kubernetes;

/// <summary>Every YAML document under <c>k8s/</c>, parsed, with small helpers to walk them.</summary>
internal sealed class Manifests
{
    private Manifests(string root, IReadOnlyList<Manifest> all)
    {
        Root = root;
        All = all;
    }

    /// <summary>The <c>k8s</c> folder of the repository.</summary>
    public string Root { get; }

    public IReadOnlyList<Manifest> All { get; }

    public static Manifests Load()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "GridActors.sln")))
        {
            directory = directory.Parent;
        }
        Assert.True(directory is not null, "the repository root (GridActors.sln) was not found above " + AppContext.BaseDirectory);
        var root = Path.Combine(directory.FullName, "k8s");
        var all = new List<Manifest>();
        foreach (var file in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            foreach (var document in stream.Documents)
            {
                Assert.True(document.RootNode is YamlMappingNode, $"{relative}: a document is not a mapping");
                all.Add(new Manifest(relative, (YamlMappingNode)document.RootNode));
            }
        }
        return new Manifests(root, all);
    }

    public Manifest Single(string kind, string name, string? folder = null) =>
        Assert.Single(All, m => m.Kind == kind && m.Name == name && (folder is null || Path.GetDirectoryName(m.File)!.Replace('\\', '/') == folder));

    public IEnumerable<Manifest> OfKind(string kind) => All.Where(m => m.Kind == kind);
}

internal sealed record Manifest(string File, YamlMappingNode Root)
{
    public string Kind => Root.Text("kind");

    public string Name => Root.Map("metadata").Text("name");

    public override string ToString() => $"{Kind}/{Name} ({File})";
}

internal static class Yaml
{
    public static YamlNode? Get(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlMappingNode node, string key) =>
        node.Get(key) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"no mapping '{key}' in {Describe(node)}");

    public static IEnumerable<YamlMappingNode> Maps(this YamlMappingNode node, string key) =>
        node.Get(key) is YamlSequenceNode sequence ? sequence.Children.Cast<YamlMappingNode>() : [];

    public static IEnumerable<string> Texts(this YamlMappingNode node, string key) =>
        node.Get(key) is YamlSequenceNode sequence ? sequence.Children.Select(c => ((YamlScalarNode)c).Value!) : [];

    public static string Text(this YamlMappingNode node, string key) =>
        node.Get(key) is YamlScalarNode { Value: { } value } ? value : throw new Xunit.Sdk.XunitException($"no text '{key}' in {Describe(node)}");

    public static string? TextOrNull(this YamlMappingNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    /// <summary>A mapping of plain strings (labels, selectors, ConfigMap data).</summary>
    public static Dictionary<string, string> Strings(this YamlMappingNode node, string key) =>
        node.Get(key) is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "")
            : [];

    private static string Describe(YamlNode node) => $"the node at {node.Start}";
}
