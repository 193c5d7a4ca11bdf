using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Gateway.Import;

/// <summary>A row checked on arrival, waiting to be written with the others of its group.</summary>
/// <param name="Group">What the row is written through in one grain call: its grid, or its parent unit.</param>
/// <param name="Record">What the row writes; two rows of one record are never written at once, and the earlier goes first.</param>
internal sealed record GroupedRow<T>(ImportRow Row, string Group, string Record, T Value);

/// <summary>
/// Rows written a group at a time: the rows of one grid (or the children of one parent unit) go to their grains
/// together, so the grain that holds the group writes once for all of them, and groups run side by side.
/// <para>
/// A row is checked when it arrives (nothing is called for a row with a bad cell) and waits in its group. A group
/// is written when it holds <see cref="GroupSize"/> rows, or, once <see cref="Window"/> rows are waiting in all,
/// the group waiting longest goes; the rest at the end. So memory holds at most a window of rows whatever the
/// file's length, and a sheet sorted by grid (as counties keep them) fills whole groups; an unsorted one still
/// gathers the rows of a grid that lie within a window of each other.
/// </para>
/// <para>
/// Order: the batches of one group are written one after another; a batch waits for the group that writes the
/// record its group needs first (<see cref="Prerequisite"/>: a unit's parent); a row naming a record already
/// waiting starts a new batch, after the one holding the earlier row. At most <see cref="GroupsInFlight"/> batches
/// are written at once and <see cref="CallsInFlight"/> per-row grain calls are in flight over all of them.
/// </para>
/// <para>
/// A failure of the cluster or the database (an exception, not a refused row) stops the import: the batches
/// already started finish, then the request fails, as it would have row by row. Importing the file again is safe.
/// </para>
/// </summary>
internal abstract class GroupedRows<T> : IRowImporter
{
    public const int GroupSize = 64;
    public const int Window = 8192;
    public const int GroupsInFlight = 32;
    public const int CallsInFlight = 64;

    private readonly Dictionary<string, List<GroupedRow<T>>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<string> _oldest = new();
    private readonly Dictionary<string, Task> _lastBatch = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _groupOfRecord = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private readonly SemaphoreSlim _groups = new(GroupsInFlight);
    private readonly SemaphoreSlim _calls = new(CallsInFlight);
    private int _waitingRows;
    private ExceptionDispatchInfo? _failure;

    public abstract IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>Checks a row on its own (no grain calls): null when it is rejected (reported here), else its group.</summary>
    protected abstract GroupedRow<T>? Check(ImportRow row, ImportResults results);

    /// <summary>Writes a batch of one group and reports every row of it. Throws only for a failure of the cluster or the database.</summary>
    protected abstract Task Write(string group, IReadOnlyList<GroupedRow<T>> rows, ImportResults results);

    /// <summary>The record that must be written before the rows of <paramref name="group"/>, if it is in this file.</summary>
    protected virtual string? Prerequisite(string group) => null;

    public Task Add(ImportRow row, ImportResults results) => Check(row, results) is { } grouped ? Enqueue(grouped, results) : Task.CompletedTask;

    public virtual Task Finish(ImportResults results) => Drain(results);

    protected async Task Enqueue(GroupedRow<T> row, ImportResults results)
    {
        _failure?.Throw();
        if (_groupOfRecord.TryGetValue(row.Record, out var earlier))
        {
            if (_waiting.TryGetValue(earlier, out var held) && held.Exists(r => r.Record == row.Record))
            {
                Dispatch(earlier, results);
            }
            if (earlier != row.Group && _lastBatch.TryGetValue(earlier, out var last))
            {
                await last; // the same record in another group (a member listed under two grids): the earlier row first
            }
        }
        _groupOfRecord[row.Record] = row.Group;
        if (!_waiting.TryGetValue(row.Group, out var rows))
        {
            _waiting[row.Group] = rows = [];
            _oldest.Enqueue(row.Group);
        }
        rows.Add(row);
        _waitingRows++;
        if (rows.Count >= GroupSize)
        {
            Dispatch(row.Group, results);
        }
        while (_waitingRows > Window && _oldest.TryDequeue(out var oldest))
        {
            Dispatch(oldest, results);
        }
        // Reading stays at most a few batches ahead of writing.
        while (_running.Count >= 2 * GroupsInFlight)
        {
            await Task.WhenAny(_running);
            _running.RemoveAll(t => t.IsCompleted);
        }
    }

    /// <summary>Writes every row still waiting and waits for all the batches; rethrows the first failure.</summary>
    protected async Task Drain(ImportResults results)
    {
        while (_oldest.TryDequeue(out var group))
        {
            Dispatch(group, results);
        }
        await Task.WhenAll(_running);
        _running.Clear();
        _failure?.Throw();
    }

    /// <summary>A grain call for one row of a batch, within the bound on calls in flight.</summary>
    protected async Task<TResult> Call<TResult>(Func<Task<TResult>> call)
    {
        await _calls.WaitAsync();
        try
        {
            return await call();
        }
        finally
        {
            _calls.Release();
        }
    }

    private void Dispatch(string group, ImportResults results)
    {
        if (!_waiting.Remove(group, out var rows))
        {
            return; // already gone (the queue of oldest groups keeps names of groups sent when full)
        }
        _waitingRows -= rows.Count;
        var before = new List<Task>(2);
        if (_lastBatch.TryGetValue(group, out var previous))
        {
            before.Add(previous);
        }
        if (Prerequisite(group) is { } record && _groupOfRecord.TryGetValue(record, out var needed) && needed != group)
        {
            Dispatch(needed, results);
            if (_lastBatch.TryGetValue(needed, out var neededBatch))
            {
                before.Add(neededBatch);
            }
        }
        var batch = Run(before, group, rows, results);
        _lastBatch[group] = batch;
        _running.Add(batch);
    }

    /// <summary>Never throws: a failure is kept and rethrown by the reader, so no batch is left unobserved.</summary>
    private async Task Run(List<Task> before, string group, List<GroupedRow<T>> rows, ImportResults results)
    {
        await Task.WhenAll(before);
        if (_failure is not null)
        {
            return;
        }
        // Taken after the batches this one waits for have finished, so a waiting batch never holds a place.
        await _groups.WaitAsync();
        try
        {
            await Write(group, rows, results);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        }
        finally
        {
            _groups.Release();
        }
    }

    /// <summary>
    /// The id of a record imported without one: the same natural key always gives the same id, which makes
    /// importing a sheet twice write each record once.
    /// </summary>
    /// <summary>Reports what the writing grain answered for a row: refused (on <paramref name="column"/>), created, updated or unchanged.</summary>
    protected static void Report(ImportResults results, GroupedRow<T> row, ImportResult result, string column)
    {
        if (result.Change == ImportChange.Refused)
        {
            results.Reject(row.Row.Number, row.Record, column, result.Message ?? "was refused");
            return;
        }
        results.Add(new ImportRowResult(row.Row.Number, row.Record, result.Change switch
        {
            ImportChange.Created => ImportResults.Created,
            ImportChange.Updated => ImportResults.Updated,
            _ => ImportResults.Unchanged,
        }));
    }

    protected static Guid IdOf(string scope, string naturalKey)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/import/{scope}/{naturalKey}")).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (name-based), as Guid lays out its bytes
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes);
    }

    protected static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
