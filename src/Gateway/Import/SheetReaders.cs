using System.Runtime.CompilerServices;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace GridActors.Gateway.Import;

/// <summary>One row of a spreadsheet: its number as the spreadsheet shows it (the header is row 1) and its cells.</summary>
public sealed record SheetRow(int Number, IReadOnlyList<string?> Cells);

/// <summary>A file that cannot be read any further; the rows before it stand.</summary>
public sealed class SheetException(string message) : Exception(message);

/// <summary>
/// CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) read as it arrives, one buffer at a
/// time, so a large file is never held in memory. UTF-8 by default (a BOM is skipped); a county's Excel on
/// Chinese Windows saves GB18030, named by <c>charset=gb18030</c> on the content type.
/// </summary>
public static class CsvSheet
{
    public const int MaxCell = 1_000_000;

    public static async IAsyncEnumerable<SheetRow> Read(Stream body, Encoding encoding, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var buffer = new char[64 * 1024];
        var cells = new List<string?>();
        var cell = new StringBuilder();
        var quoted = false;        // inside a quoted field
        var wasQuoted = false;     // the current field was quoted (so "" is an empty string, not a blank)
        var pendingQuote = false;  // a quote inside a quoted field: either the end of it or the first of a doubled quote
        var pendingCr = false;
        var any = false;           // the current record has content
        var number = 1;
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (pendingCr)
                {
                    pendingCr = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }
                if (quoted)
                {
                    if (pendingQuote)
                    {
                        pendingQuote = false;
                        if (c == '"')
                        {
                            cell.Append('"');
                            continue;
                        }
                        quoted = false; // the quote closed the field; c is handled below
                    }
                    else if (c == '"')
                    {
                        pendingQuote = true;
                        continue;
                    }
                    else
                    {
                        Append(cell, c, number);
                        continue;
                    }
                }
                switch (c)
                {
                    case '"' when cell.Length == 0 && !wasQuoted:
                        quoted = true;
                        wasQuoted = true;
                        any = true;
                        break;
                    case ',':
                        cells.Add(Take(cell, wasQuoted));
                        wasQuoted = false;
                        any = true;
                        break;
                    case '\r' or '\n':
                        pendingCr = c == '\r';
                        if (any || cell.Length > 0)
                        {
                            cells.Add(Take(cell, wasQuoted));
                            yield return new SheetRow(number, cells.ToArray());
                        }
                        cells.Clear();
                        wasQuoted = false;
                        any = false;
                        number++;
                        break;
                    default:
                        Append(cell, c, number);
                        any = true;
                        break;
                }
            }
        }
        if (quoted && !pendingQuote)
        {
            throw new SheetException($"row {number}: a quoted cell is never closed");
        }
        if (any || cell.Length > 0)
        {
            cells.Add(Take(cell, wasQuoted));
            yield return new SheetRow(number, cells.ToArray());
        }
    }

    private static void Append(StringBuilder cell, char c, int number)
    {
        if (cell.Length >= MaxCell)
        {
            throw new SheetException($"row {number}: a cell is longer than {MaxCell} characters");
        }
        cell.Append(c);
    }

    private static string? Take(StringBuilder cell, bool quoted)
    {
        var text = cell.ToString();
        cell.Clear();
        return text.Length == 0 && !quoted ? null : text;
    }
}

/// <summary>
/// XLSX (the first worksheet) read with the SAX-style <see cref="OpenXmlReader"/>: one row element at a time,
/// never the whole sheet. A zip archive keeps its directory at its end, so the upload is spooled to a temporary
/// file first (disk, not memory) and read from there. Dates typed as dates arrive as Excel serial numbers; the
/// column readers turn them into dates.
/// </summary>
public static class XlsxSheet
{
    public static async IAsyncEnumerable<SheetRow> Read(Stream file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(file, false);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException)
        {
            throw new SheetException($"the file is not an XLSX workbook ({e.Message})");
        }
        using (document)
        {
            var workbook = document.WorkbookPart ?? throw new SheetException("the workbook has no worksheets");
            var shared = SharedStrings(workbook);
            var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw new SheetException("the workbook has no worksheets");
            var sheet = (WorksheetPart)workbook.GetPartById(first.Id!.Value!);
            using var reader = OpenXmlReader.Create(sheet);
            var next = 1;
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }
                var row = (Row)reader.LoadCurrentElement()!;
                var number = row.RowIndex?.Value is { } index ? (int)index : next;
                next = number + 1;
                var cells = new List<string?>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                    while (cells.Count < column)
                    {
                        cells.Add(null);
                    }
                    cells.Add(Text(cell, shared));
                }
                if (cells.Any(c => !string.IsNullOrWhiteSpace(c)))
                {
                    yield return new SheetRow(number, cells);
                }
                await Task.Yield();
            }
        }
    }

    private static List<string> SharedStrings(WorkbookPart workbook)
    {
        var strings = new List<string>();
        if (workbook.SharedStringTablePart is not { } part)
        {
            return strings;
        }
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                var item = (SharedStringItem)reader.LoadCurrentElement()!;
                strings.Add(item.Text?.Text ?? string.Concat(item.Descendants<Text>().Select(t => t.Text)));
            }
        }
        return strings;
    }

    private static string? Text(Cell cell, List<string> shared)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString?.Text?.Text ?? string.Concat(cell.InlineString?.Descendants<Text>().Select(t => t.Text) ?? []);
        }
        var value = cell.CellValue?.Text;
        if (value is null)
        {
            return null;
        }
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(value, out var i) && i >= 0 && i < shared.Count ? shared[i] : null;
        }
        if (cell.DataType?.Value == CellValues.Boolean)
        {
            return value == "1" ? "true" : "false";
        }
        return value;
    }

    /// <summary>"C7" → 2 (zero-based column).</summary>
    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return Math.Max(0, index - 1);
    }
}
