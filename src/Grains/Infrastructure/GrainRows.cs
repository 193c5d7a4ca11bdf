using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Grains.Infrastructure;

/// <summary>
/// One grain's rows in <see cref="IGrainStateRows"/>: remembers each row's version between loading and writing, so the
/// grain writes rows by name and value. See <see cref="IGrainStateRows"/> for why a grain keeps its state this way.
/// </summary>
internal sealed class GrainRows(IGrainStateRows store, GrainId grain)
{
    /// <summary>Rows a grain writes at once at most; more (moving an old layout, a wake-up's marks) are written in parts.</summary>
    public const int MaxRowsPerWrite = 200;

    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    public static GrainRows For(Grain grain) =>
        new(grain.GrainContext.ActivationServices.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Grains) as IGrainStateRows
            ?? throw new InvalidOperationException($"Grain storage {StorageNames.Grains} does not keep rows (IGrainStateRows)."),
            grain.GetGrainId());

    /// <summary>The stored rows whose name starts with <paramref name="prefix"/>; cleared rows are left out.</summary>
    public async Task<IReadOnlyList<(string Name, BinaryData Payload)>> Load(string prefix)
    {
        var rows = await store.ReadAll(grain, prefix);
        var found = new List<(string, BinaryData)>(rows.Count);
        foreach (var row in rows)
        {
            _versions[row.StateName] = row.ETag;
            if (row.Payload is { } payload)
            {
                found.Add((row.StateName, payload));
            }
        }
        return found;
    }

    /// <summary>The name of the row of <paramref name="item"/> under the head row <paramref name="head"/>: <c>head/item</c>.</summary>
    public static string ItemName(string head, Guid item) => $"{head}/{item:N}";

    /// <summary>Whether <paramref name="name"/> is an item row under <paramref name="head"/>, and whose.</summary>
    public static bool IsItem(string head, string name, out Guid item)
    {
        item = default;
        return name.Length > head.Length && name[head.Length] == '/' && name.StartsWith(head, StringComparison.Ordinal)
            && Guid.TryParseExact(name.AsSpan(head.Length + 1), "N", out item);
    }

    public T Read<T>(BinaryData payload) => store.Deserialize<T>(payload);

    public RowWrite Set<T>(string name, T value) => new(name, _versions.GetValueOrDefault(name), store.Serialize(value));

    public RowWrite Clear(string name) => new(name, _versions.GetValueOrDefault(name), null);

    /// <summary>Writes the rows together, all or nothing; an empty list writes nothing.</summary>
    public async Task Write(IReadOnlyList<RowWrite> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var versions = await store.Write(grain, rows);
        for (var i = 0; i < rows.Count; i++)
        {
            _versions[rows[i].StateName] = versions[i];
        }
    }

    public Task Write(params RowWrite[] rows) => Write((IReadOnlyList<RowWrite>)rows);
}
