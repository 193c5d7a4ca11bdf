using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GridActors.Gateway.Import;

/// <summary>
/// Rows written a batch at a time, the rows of a batch at once; a row naming the same record as one already in
/// the batch waits for the next batch, so the earlier row is written first.
/// </summary>
internal abstract class BatchedRows : IRowImporter
{
    private const int Batch = 64;
    private readonly List<ImportRow> _batch = [];

    public abstract IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>What names the record a row writes, so two rows of one record are never written at once.</summary>
    protected abstract string? Key(ImportRow row);

    protected abstract Task One(ImportRow row, ImportResults results);

    public async Task Add(ImportRow row, ImportResults results)
    {
        var key = Key(row);
        if (key is not null && _batch.Any(r => Key(r) == key))
        {
            await Finish(results);
        }
        _batch.Add(row);
        if (_batch.Count >= Batch)
        {
            await Finish(results);
        }
    }

    public async Task Finish(ImportResults results)
    {
        var rows = _batch.ToArray();
        _batch.Clear();
        await Task.WhenAll(rows.Select(r => One(r, results)));
    }

    /// <summary>
    /// The id of a record imported without one: the same natural key always gives the same id, which makes
    /// importing a sheet twice write each record once.
    /// </summary>
    protected static Guid IdOf(string scope, string naturalKey)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/import/{scope}/{naturalKey}")).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (name-based), as Guid lays out its bytes
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes);
    }

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
