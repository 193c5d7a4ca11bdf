using System.Globalization;

namespace GridActors.Gateway.Import;

/// <summary>
/// How much one import file may make the gateway read and hold. A file is small on the wire and can be huge once
/// read: a cell in column HJUNYV is 100 million columns to the right, a zip of 1 MB unpacks to a shared-strings
/// table of 30 million entries, a CSV header of commas is a row of as many cells. Each limit is far above what any
/// county's sheet needs (the widest import has 9 columns) and is checked before the memory is taken, so a file
/// past one costs a few MB, is refused whole (400 naming the limit) and writes nothing.
/// </summary>
public static class SheetLimits
{
    /// <summary>Columns a row may have: A to IV, as Excel before 2007; a cell further right is refused, never padded to.</summary>
    public const int MaxColumns = 256;

    /// <summary>Cells a file may have, empty ones of an XLSX included: 100,000 rows of 30 cells.</summary>
    public const int MaxCells = 3_000_000;

    /// <summary>Characters of one cell: room for a grid's boundary drawn with thousands of points.</summary>
    public const int MaxCellCharacters = 1_000_000;

    /// <summary>
    /// Characters of cell text a file may have, every cell counted (a shared string each time a cell names it), and
    /// again the characters of an XLSX's shared-strings table: the text a file makes the gateway hold and handle.
    /// </summary>
    public const int MaxCharacters = 16_000_000;

    /// <summary>Entries of an XLSX's shared-strings table, which is held whole while its sheet is read.</summary>
    public const int MaxSharedStrings = 1_000_000;

    /// <summary>Row elements of a worksheet: no sheet Excel writes has more.</summary>
    public const int MaxSheetRows = 1_048_576;

    /// <summary>Parts (zip entries) of an XLSX: a workbook has a dozen; the package reader holds an object for each.</summary>
    public const int MaxParts = 1_000;

    /// <summary>
    /// XML bytes of one row (or one shared string, or what lies between two rows): the XML reader holds a whole
    /// element start, text or comment, so this is what one piece of markup can make it hold.
    /// </summary>
    public const int MaxRowBytes = 4 * 1024 * 1024;

    /// <summary>XML bytes read from all the parts of an XLSX: bounds the time a zip bomb takes to read.</summary>
    public const long MaxXmlBytes = 256L * 1024 * 1024;

    /// <summary>0 → A, 25 → Z, 26 → AA, 255 → IV.</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }
        return name;
    }

    internal static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The cells and characters one reading of a file has used, checked against <see cref="SheetLimits"/>.</summary>
internal sealed class SheetBudget
{
    private long _cells;
    private long _characters;

    /// <summary>A cell at <paramref name="column"/> (zero-based) of <paramref name="row"/>: checked before the row grows to hold it.</summary>
    public void Cell(int row, int column)
    {
        if (column >= SheetLimits.MaxColumns)
        {
            throw new SheetException($"row {row}: has more than {SheetLimits.MaxColumns} columns; a row may have at most {SheetLimits.MaxColumns} columns (A to {SheetLimits.ColumnName(SheetLimits.MaxColumns - 1)})");
        }
        Count();
    }

    /// <summary>A cell whose reference names a column: refused when it lies past the limit, whatever its row holds so far.</summary>
    public void Cell(int row, int column, string letters)
    {
        if (column >= SheetLimits.MaxColumns)
        {
            throw new SheetException($"row {row}: has a cell in column {letters}; a row may have at most {SheetLimits.MaxColumns} columns (A to {SheetLimits.ColumnName(SheetLimits.MaxColumns - 1)})");
        }
        Count();
    }

    /// <summary>The text of a cell, counted against the file's characters.</summary>
    public void Text(int row, string? text)
    {
        if (text is null)
        {
            return;
        }
        if (text.Length > SheetLimits.MaxCellCharacters)
        {
            throw new SheetException($"row {row}: a cell is longer than {SheetLimits.N(SheetLimits.MaxCellCharacters)} characters");
        }
        _characters += text.Length;
        if (_characters > SheetLimits.MaxCharacters)
        {
            throw new SheetException($"has more than {SheetLimits.N(SheetLimits.MaxCharacters)} characters of cell text by row {row}; a file may have at most {SheetLimits.N(SheetLimits.MaxCharacters)} characters (split it)");
        }
    }

    private void Count()
    {
        if (++_cells > SheetLimits.MaxCells)
        {
            throw new SheetException($"has more than {SheetLimits.N(SheetLimits.MaxCells)} cells; a file may have at most {SheetLimits.N(SheetLimits.MaxCells)} cells (split it)");
        }
    }
}
