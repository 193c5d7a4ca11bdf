using System.Runtime.CompilerServices;
using System.Text;

namespace GridActors.Gateway.Import;

/// <summary>One row of a spreadsheet: its number as the spreadsheet shows it (the header is row 1) and its cells.</summary>
public sealed record SheetRow(int Number, IReadOnlyList<string?> Cells);

/// <summary>A file that cannot be read, or breaks one of the <see cref="SheetLimits"/>: the file is refused whole.</summary>
public sealed class SheetException(string message) : Exception(message);

/// <summary>
/// CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) read one buffer at a time, so a large
/// file is never held in memory. UTF-8 by default (a BOM is skipped); a county's Excel on
/// Chinese Windows saves GB18030, named by <c>charset=gb18030</c> on the content type. A cell is counted against
/// the <see cref="SheetLimits"/> before the row holds it, so a header of a million commas stops at the limit.
/// </summary>
public static class CsvSheet
{
    public static async IAsyncEnumerable<SheetRow> Read(Stream body, Encoding encoding, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The body may be a spooled file read again for the import: reading it must not close it.
        using var reader = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var budget = new SheetBudget();
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
                        cells.Add(Take(cell, wasQuoted, budget, number, cells.Count));
                        wasQuoted = false;
                        any = true;
                        break;
                    case '\r' or '\n':
                        pendingCr = c == '\r';
                        if (any || cell.Length > 0)
                        {
                            cells.Add(Take(cell, wasQuoted, budget, number, cells.Count));
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
            cells.Add(Take(cell, wasQuoted, budget, number, cells.Count));
            yield return new SheetRow(number, cells.ToArray());
        }
    }

    private static void Append(StringBuilder cell, char c, int number)
    {
        if (cell.Length >= SheetLimits.MaxCellCharacters)
        {
            throw new SheetException($"row {number}: a cell is longer than {SheetLimits.N(SheetLimits.MaxCellCharacters)} characters");
        }
        cell.Append(c);
    }

    private static string? Take(StringBuilder cell, bool quoted, SheetBudget budget, int number, int column)
    {
        budget.Cell(number, column);
        var text = cell.ToString();
        cell.Clear();
        budget.Text(number, text);
        return text.Length == 0 && !quoted ? null : text;
    }
}
