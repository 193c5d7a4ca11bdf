using System.Reflection;

namespace GridActors.Silo.Storage;

/// <summary>
/// The SQL shipped inside this assembly (Storage/Sql/&lt;provider&gt;/schema/*.sql, upgrade/*.sql and
/// queries/*.sql, embedded as <c>GridActors.Sql.&lt;provider&gt;/&lt;folder&gt;/&lt;file&gt;.sql</c>).
/// </summary>
internal static class SqlScripts
{
    private const string ResourcePrefix = "GridActors.Sql.";

    /// <summary>The DDL files of a provider, in the order they must run (by file name).</summary>
    public static IReadOnlyList<(string Name, string Text)> Schema(StorageProvider provider) =>
        Load(provider, "schema");

    /// <summary>
    /// The data moves of a provider, in order: statements run after the schema at every start, for the configured service
    /// (parameter <c>@service</c>), that carry rows of an earlier layout into the current one. Each finds nothing to do
    /// once done, cheaply.
    /// </summary>
    public static IReadOnlyList<(string Name, string Text)> Upgrades(StorageProvider provider) =>
        Load(provider, "upgrade");

    /// <summary>The catalogue queries of a provider: key (file name without .sql) and text.</summary>
    public static IReadOnlyList<(string Key, string Text)> Queries(StorageProvider provider) =>
        Load(provider, "queries")
            .Select(script => (Path.GetFileNameWithoutExtension(script.Name), script.Text))
            .ToList();

    private static List<(string Name, string Text)> Load(StorageProvider provider, string folder)
    {
        var assembly = typeof(SqlScripts).Assembly;
        var prefix = $"{ResourcePrefix}{FolderOf(provider)}/{folder}/";
        var scripts = new List<(string Name, string Text)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // RecursiveDir uses the build machine's separator; accept both.
            var normalized = resource.Replace('\\', '/');
            if (normalized.StartsWith(prefix, StringComparison.Ordinal) &&
                normalized.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                scripts.Add((normalized[prefix.Length..], Read(assembly, resource)));
            }
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No embedded SQL found under '{prefix}': check the EmbeddedResource item of GridActors.Silo.csproj.");
        }

        scripts.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name));
        return scripts;
    }

    private static string FolderOf(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => "sqlite",
        StorageProvider.PostgreSQL => "postgresql",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded SQL '{resource}' cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
