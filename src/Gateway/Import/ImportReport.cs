namespace GridActors.Gateway.Import;

/// <summary>What happened to one row: created, updated, unchanged (already as the sheet says) or rejected, with why.</summary>
public sealed record ImportRowResult(int Row, string? Key, string Outcome, IDictionary<string, string[]>? Errors = null);

/// <summary>The answer of an import (导入结果): counts, then every row in sheet order.</summary>
public sealed record ImportReport(
    string Kind,
    string Format,
    int Rows,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<string> IgnoredColumns,
    string? StoppedAt,
    IReadOnlyList<ImportRowResult> Results);

/// <summary>Collects row results from importers that work on several rows at once.</summary>
public sealed class ImportResults
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";

    private readonly List<ImportRowResult> _results = [];
    private readonly Lock _lock = new();

    public void Add(ImportRowResult result)
    {
        lock (_lock)
        {
            _results.Add(result);
        }
    }

    public void Reject(int row, string? key, string column, string rule) =>
        Add(new ImportRowResult(row, key, Rejected, new Dictionary<string, string[]> { [column] = [rule] }));

    public void Reject(int row, string? key, IDictionary<string, string[]> errors) => Add(new ImportRowResult(row, key, Rejected, errors));

    public ImportReport Report(string kind, string format, IReadOnlyList<string> ignored, string? stoppedAt)
    {
        var rows = _results.OrderBy(r => r.Row).ToArray();
        return new ImportReport(kind, format, rows.Length,
            rows.Count(r => r.Outcome == Created), rows.Count(r => r.Outcome == Updated), rows.Count(r => r.Outcome == Unchanged),
            rows.Count(r => r.Outcome == Rejected), ignored, stoppedAt, rows);
    }
}

/// <summary>One kind of import: its columns, and what it does with rows (it may hold some until <see cref="Finish"/>).</summary>
public interface IRowImporter
{
    IReadOnlyList<ImportColumn> Columns { get; }

    Task Add(ImportRow row, ImportResults results);

    Task Finish(ImportResults results);
}
