using System.Text;

namespace GridActors.Gateway.Export;

/// <summary>
/// What an export (导出) writes into a cell. Imports store text as it was in the sheet, so a name such as
/// <c>=HYPERLINK("http://…","点击")</c> or <c>@SUM(A1)</c> comes back out as it went in; a spreadsheet opening the
/// export would run it as a formula. Every export (CSV or XLSX) writes its text cells through
/// <see cref="Neutralise"/>, the OWASP rule for CSV injection: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, a tab or a carriage return gets a leading single quote, so a spreadsheet reads it as text and does
/// not run it. The stored value is never changed: the quote belongs to the exported file only. (An XLSX export
/// writes text as string cells, never as formulas; it uses this to know which cells to mark quote-prefixed.)
/// </summary>
public static class SpreadsheetCells
{
    public static string? Neutralise(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}

/// <summary>
/// CSV for exports: RFC 4180 (a field with a comma, a quote or a line break is quoted, its quotes doubled), CRLF
/// line ends, every field neutralised first, as <see cref="SpreadsheetCells"/> says why. UTF-8 with a BOM is left to
/// the caller's writer, so that Excel on Chinese Windows reads the Chinese text rightly.
/// </summary>
public static class CsvExport
{
    /// <summary>One record and its CRLF; a null field is written empty.</summary>
    public static string Row(IEnumerable<string?> fields)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(',');
            }
            first = false;
            var text = SpreadsheetCells.Neutralise(field) ?? "";
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(text);
            }
        }
        return line.Append("\r\n").ToString();
    }
}
