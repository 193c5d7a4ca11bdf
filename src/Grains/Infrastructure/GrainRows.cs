using System.Globalization;
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

    public static GrainRows For(Grain grain) => new(Store(grain), grain.GetGrainId());

    /// <summary>The grain storage <see cref="StorageNames.Grains"/>, which keeps rows.</summary>
    public static IGrainStateRows Store(Grain grain) =>
        grain.GrainContext.ActivationServices.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Grains) as IGrainStateRows
            ?? throw new InvalidOperationException($"Grain storage {StorageNames.Grains} does not keep rows (IGrainStateRows).");

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

    /// <summary>The name of the row of <paramref name="day"/> under the head row <paramref name="head"/>: <c>head/yyyy-MM-dd</c>.</summary>
    public static string ItemName(string head, DateOnly day) => $"{head}/{day.ToString(DayFormat, CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="name"/> is an item row under <paramref name="head"/> named by an id, and whose.</summary>
    public static bool IsItem(string head, string name, out Guid item)
    {
        item = default;
        return Item(head, name, out var part) && Guid.TryParseExact(part, "N", out item);
    }

    /// <summary>Whether <paramref name="name"/> is an item row under <paramref name="head"/> named by a day, and which.</summary>
    public static bool IsItem(string head, string name, out DateOnly day)
    {
        day = default;
        return Item(head, name, out var part) && DateOnly.TryParseExact(part, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private const string DayFormat = "yyyy-MM-dd";

    private static bool Item(string head, string name, out ReadOnlySpan<char> part)
    {
        var found = name.Length > head.Length && name[head.Length] == '/' && name.StartsWith(head, StringComparison.Ordinal);
        part = found ? name.AsSpan(head.Length + 1) : default;
        return found;
    }

    /// <summary>A notice for the inbox of the grain <paramref name="receiver"/>.</summary>
    public static InboxPost Post<T>(IGrainStateRows store, GrainId receiver, Guid notice, T value) =>
        new(receiver, notice, store.Serialize(value));

    /// <summary>
    /// What an activation starts from: the rows under <paramref name="prefix"/> and the notices waiting in the inbox,
    /// oldest first. The inbox is read before the rows. A previous activation still running (a silo declared dead while
    /// it is still up) may flush between the two reads: that flush writes the rows and deletes the inbox rows they
    /// settle in one transaction, so reading the rows first could miss a notice in both (seen in SiloLossTests: five
    /// reports stored in a queue's rows but not in its listing). Read in this order, a notice is in the inbox, or in
    /// the rows, or both (the grain applies it once).
    /// </summary>
    public async Task<(IReadOnlyList<(string Name, BinaryData Payload)> Rows, IReadOnlyList<(Guid Notice, T Value)> Inbox)> LoadWithInbox<T>(string prefix)
    {
        var inbox = (await store.ReadInbox(grain)).Select(n => (n.Notice, store.Deserialize<T>(n.Payload))).ToList();
        return (await Load(prefix), inbox);
    }

    public T Read<T>(BinaryData payload) => store.Deserialize<T>(payload);

    public RowWrite Set<T>(string name, T value) => new(name, _versions.GetValueOrDefault(name), store.Serialize(value));

    public RowWrite Clear(string name) => new(name, _versions.GetValueOrDefault(name), null);

    /// <summary>Writes the rows together, all or nothing; an empty list writes nothing.</summary>
    public Task Write(IReadOnlyList<RowWrite> rows) => Write(rows, []);

    /// <summary>
    /// Writes the rows and removes the notices <paramref name="taken"/> from this grain's inbox, all or nothing: a notice
    /// leaves the inbox with the write that stores its effect. Nothing to write writes nothing.
    /// </summary>
    public async Task Write(IReadOnlyList<RowWrite> rows, IReadOnlyCollection<Guid> taken)
    {
        if (rows.Count == 0 && taken.Count == 0)
        {
            return;
        }
        var versions = await store.Write(grain, rows, taken.Select(notice => new InboxPost(grain, notice, null)).ToList());
        for (var i = 0; i < rows.Count; i++)
        {
            _versions[rows[i].StateName] = versions[i];
        }
    }

    /// <summary>
    /// As <see cref="Write(IReadOnlyList{RowWrite}, IReadOnlyCollection{Guid})"/>, in parts when it is large (after an
    /// outage, an inbox may hold many notices): the rows first (in one write if <paramref name="rowsTogether"/>, else in
    /// parts), then the notices they hold, so that a notice never leaves the inbox before its effect is stored.
    /// </summary>
    public async Task WriteTaking(IReadOnlyList<RowWrite> rows, IReadOnlyCollection<Guid> taken, bool rowsTogether)
    {
        if (rows.Count + taken.Count <= MaxRowsPerWrite)
        {
            await Write(rows, taken);
            return;
        }
        if (rowsTogether)
        {
            await Write(rows);
        }
        else
        {
            await WriteInParts(rows);
        }
        foreach (var part in taken.Chunk(MaxRowsPerWrite))
        {
            await Write([], part);
        }
    }

    public Task Write(params RowWrite[] rows) => Write((IReadOnlyList<RowWrite>)rows);

    /// <summary>
    /// Writes many rows (moving an old layout, a wake-up's marks) in parts of <see cref="MaxRowsPerWrite"/>, one after
    /// another: each part is all or nothing, the whole is not.
    /// </summary>
    public async Task WriteInParts(IEnumerable<RowWrite> rows)
    {
        foreach (var part in rows.Chunk(MaxRowsPerWrite))
        {
            await Write(part);
        }
    }
}
