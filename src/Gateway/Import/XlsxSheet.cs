using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace GridActors.Gateway.Import;

/// <summary>
/// XLSX (the first worksheet) read with the SAX-style <see cref="OpenXmlReader"/>: one element at a time, never a
/// row loaded whole, so a cell's column is checked against <see cref="SheetLimits.MaxColumns"/> before the row grows
/// to reach it. A zip archive keeps its directory at its end, so the upload is spooled to a temporary file first
/// (disk, not memory) and read from there. Dates typed as dates arrive as Excel serial numbers; the column readers
/// turn them into dates.
/// <para>
/// Whatever the package reader or the XML reader throws for a file that is not a workbook (not a zip, a missing
/// part, a relationship out of the package, a DTD or an entity, which the XML reader refuses) becomes a
/// <see cref="SheetException"/>: a bad file is the client's error, never the server's.
/// </para>
/// </summary>
public static class XlsxSheet
{
    public static async IAsyncEnumerable<SheetRow> Read(Stream file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var workbook = XlsxWorkbook.Open(file);
        while (workbook.Next() is { } row)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
            await Task.Yield();
        }
    }
}

/// <summary>An open workbook, its shared strings read, its first sheet read a row at a time.</summary>
internal sealed class XlsxWorkbook : IDisposable
{
    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private readonly SpreadsheetDocument _document;
    private readonly PartBudget _bytes = new();
    private readonly SheetBudget _budget = new();
    private readonly List<string> _shared = [];
    private OpenXmlReader? _sheet;
    private string _part = "the package";
    private int _next = 1;
    private int _rows;

    private XlsxWorkbook(SpreadsheetDocument document) => _document = document;

    public static XlsxWorkbook Open(Stream file)
    {
        var workbook = new XlsxWorkbook(Guarded("[Content_Types].xml or a relationships part", () =>
        {
            CheckParts(file);
            return SpreadsheetDocument.Open(file, false, new OpenSettings { MaxCharactersInPart = SheetLimits.MaxXmlBytes });
        }));
        try
        {
            workbook.Guard(workbook.Start);
            return workbook;
        }
        catch
        {
            workbook.Dispose();
            throw;
        }
    }

    /// <summary>The next row with a cell that is not blank; null at the end of the sheet.</summary>
    public SheetRow? Next() => Guard(ReadRow);

    public void Dispose()
    {
        _sheet?.Dispose();
        _document.Dispose();
    }

    private void Start()
    {
        var workbook = _document.WorkbookPart ?? throw new SheetException("has no workbook (xl/workbook.xml)");
        var id = FirstSheetId(workbook) ?? throw new SheetException("has no worksheets");
        if (!workbook.TryGetPartById(id, out var part) || part is not WorksheetPart sheet)
        {
            throw new SheetException($"has no worksheets: the first sheet's relationship {Shorten(id)} names no worksheet of the file");
        }
        if (workbook.SharedStringTablePart is { } strings)
        {
            ReadSharedStrings(strings);
        }
        _part = sheet.Uri.OriginalString;
        _sheet = Reader(sheet);
    }

    /// <summary>The relationship id of the first &lt;sheet&gt; of the workbook, read without loading the workbook whole.</summary>
    private string? FirstSheetId(WorkbookPart workbook)
    {
        _part = workbook.Uri.OriginalString;
        using var reader = Reader(workbook);
        while (reader.Read())
        {
            if (reader.IsStartElement && reader.ElementType == typeof(Sheet))
            {
                return reader.Attributes.FirstOrDefault(a => a.LocalName == "id" && a.NamespaceUri == RelationshipsNamespace).Value;
            }
        }
        return null;
    }

    /// <summary>
    /// The shared-strings table, held whole while the sheet is read (a cell names its entry by number). Text of
    /// phonetic runs (furigana, pinyin guides) is not part of the cell's value and is left out.
    /// </summary>
    private void ReadSharedStrings(SharedStringTablePart part)
    {
        _part = part.Uri.OriginalString;
        using var reader = Reader(part);
        var text = new StringBuilder();
        var characters = 0L;
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem))
            {
                if (reader.IsStartElement)
                {
                    _bytes.Mark($"shared string {_shared.Count + 1}");
                    text.Clear();
                    continue;
                }
                if (_shared.Count >= SheetLimits.MaxSharedStrings)
                {
                    throw new SheetException($"has more than {SheetLimits.N(SheetLimits.MaxSharedStrings)} shared strings; a workbook may have at most {SheetLimits.N(SheetLimits.MaxSharedStrings)} shared strings");
                }
                characters += text.Length;
                if (characters > SheetLimits.MaxCharacters)
                {
                    throw new SheetException($"has more than {SheetLimits.N(SheetLimits.MaxCharacters)} characters of shared strings; a workbook may have at most {SheetLimits.N(SheetLimits.MaxCharacters)} characters");
                }
                _shared.Add(text.ToString());
            }
            else if (reader.ElementType == typeof(PhoneticRun) && reader.IsStartElement)
            {
                reader.Skip();
            }
            else if (reader.ElementType == typeof(Text) && reader.IsStartElement)
            {
                AppendText(text, reader.GetText(), $"shared string {_shared.Count + 1}");
            }
        }
    }

    private SheetRow? ReadRow()
    {
        var reader = _sheet!;
        var cells = new List<string?>();
        var number = 0;
        var column = 0;
        string? type = null;
        string? value = null;
        var inline = new StringBuilder();
        while (reader.Read())
        {
            var element = reader.ElementType;
            if (reader.IsStartElement)
            {
                if (element == typeof(Row))
                {
                    if (++_rows > SheetLimits.MaxSheetRows)
                    {
                        throw new SheetException($"has more than {SheetLimits.N(SheetLimits.MaxSheetRows)} rows, more than a sheet can have");
                    }
                    number = RowNumber(Attribute(reader, "r"));
                    _next = number + 1;
                    _bytes.Mark($"row {number}");
                    cells.Clear();
                }
                else if (element == typeof(Cell))
                {
                    column = Column(number, Attribute(reader, "r"), cells.Count);
                    type = Attribute(reader, "t");
                    value = null;
                    inline.Clear();
                }
                else if (element == typeof(CellValue))
                {
                    value = reader.GetText();
                }
                else if (element == typeof(PhoneticRun))
                {
                    reader.Skip();
                }
                else if (element == typeof(Text))
                {
                    AppendText(inline, reader.GetText(), $"row {number}");
                }
            }
            else if (reader.IsEndElement)
            {
                if (element == typeof(Cell))
                {
                    var text = Text(type, value, inline);
                    _budget.Text(number, text);
                    // Only now, the column checked, does the row grow to reach it.
                    while (cells.Count <= column)
                    {
                        cells.Add(null);
                    }
                    cells[column] = text;
                }
                else if (element == typeof(Row) && cells.Exists(c => !string.IsNullOrWhiteSpace(c)))
                {
                    return new SheetRow(number, cells);
                }
            }
        }
        return null;
    }

    private string? Text(string? type, string? value, StringBuilder inline) => type switch
    {
        "inlineStr" => inline.ToString(),
        "s" => int.TryParse(value, out var i) && i >= 0 && i < _shared.Count ? _shared[i] : null,
        "b" => value is null ? null : value == "1" ? "true" : "false",
        _ => value,
    };

    private static void AppendText(StringBuilder text, string part, string where)
    {
        if (text.Length + part.Length > SheetLimits.MaxCellCharacters)
        {
            throw new SheetException($"{where}: a cell is longer than {SheetLimits.N(SheetLimits.MaxCellCharacters)} characters");
        }
        text.Append(part);
    }

    /// <summary>The row's number as the sheet gives it (r="7"), or the one after the previous row.</summary>
    private int RowNumber(string? r)
    {
        if (r is null)
        {
            return _next;
        }
        if (!int.TryParse(r, out var number) || number < 1 || number > SheetLimits.MaxSheetRows)
        {
            throw new SheetException($"has a row numbered {Shorten(r)}; a sheet's rows are numbered 1 to {SheetLimits.N(SheetLimits.MaxSheetRows)}");
        }
        return number;
    }

    /// <summary>
    /// The zero-based column of a cell: "C7" → 2, the next column when the cell names none. Counted against the
    /// limits first; the letters are read only as far as the limit, so "HJUNYV" or fourteen letters never become a
    /// number of columns to pad a row to (nor overflow into a small one).
    /// </summary>
    private int Column(int row, string? reference, int next)
    {
        var letters = 0;
        var index = 0;
        while (reference is not null && letters < reference.Length && char.IsAsciiLetter(reference[letters]))
        {
            if (index <= SheetLimits.MaxColumns)
            {
                index = (index * 26) + (char.ToUpperInvariant(reference[letters]) - 'A' + 1);
            }
            letters++;
        }
        if (letters == 0)
        {
            _budget.Cell(row, next);
            return next;
        }
        _budget.Cell(row, index - 1, Shorten(reference![..letters]));
        return index - 1;
    }

    private static string? Attribute(OpenXmlReader reader, string name) =>
        reader.Attributes.FirstOrDefault(a => a.LocalName == name && a.NamespaceUri.Length == 0).Value;

    /// <summary>A part read through the byte budget, so that no row or piece of markup can make the XML reader hold more than a few MB.</summary>
    private OpenXmlPartReader Reader(OpenXmlPart part) =>
        new(new BoundedStream(part.GetStream(FileMode.Open, FileAccess.Read), _bytes), part.Features, new OpenXmlPartReaderOptions { CloseStream = true });

    /// <summary>
    /// The number of parts, read from the zip's end-of-directory record before the package reader makes an object
    /// for each. A zip of more than 65,534 entries (ZIP64) is refused with the rest.
    /// </summary>
    private static void CheckParts(Stream file)
    {
        const int Record = 22;
        var tail = (int)Math.Min(file.Length, Record + ushort.MaxValue);
        var bytes = new byte[tail];
        file.Seek(-tail, SeekOrigin.End);
        file.ReadExactly(bytes);
        file.Position = 0;
        for (var i = tail - Record; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == 0x06054b50)
            {
                var entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 10));
                if (entries > SheetLimits.MaxParts)
                {
                    throw new SheetException($"has {(entries == ushort.MaxValue ? "65,535 or more" : SheetLimits.N(entries))} parts; a workbook may have at most {SheetLimits.N(SheetLimits.MaxParts)}");
                }
                return;
            }
        }
        throw new SheetException("is not an XLSX workbook (not a zip archive)");
    }

    private T Guard<T>(Func<T> step) => Guarded(_part, step);

    private void Guard(Action step) => Guarded(_part, () =>
    {
        step();
        return 0;
    });

    private static T Guarded<T>(string part, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (XmlException e)
        {
            throw new SheetException($"is not an XLSX workbook: {part} is not well-formed XML (line {e.LineNumber}, position {e.LinePosition}): {FirstSentence(e.Message)}");
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException
            or InvalidOperationException or ArgumentException or FormatException or NotSupportedException or KeyNotFoundException)
        {
            throw new SheetException($"is not an XLSX workbook ({part}: {FirstSentence(e.Message)})");
        }
    }

    private static string FirstSentence(string message) => message.IndexOf(". ", StringComparison.Ordinal) is var end and > 0 ? message[..(end + 1)] : message;

    private static string Shorten(string text) => text.Length <= 16 ? text : $"{text[..16]}…";
}

/// <summary>
/// The XML bytes read of an XLSX: at most <see cref="SheetLimits.MaxRowBytes"/> since the last mark (the start
/// of a row or a shared string) and <see cref="SheetLimits.MaxXmlBytes"/> in all.
/// </summary>
internal sealed class PartBudget
{
    private long _total;
    private long _mark;
    private string _where = "the start";

    public void Mark(string where)
    {
        _mark = _total;
        _where = where;
    }

    public void Read(int count)
    {
        _total += count;
        if (_total - _mark > SheetLimits.MaxRowBytes)
        {
            throw new SheetException($"{_where}: is more than {SheetLimits.MaxRowBytes / 1024 / 1024} MB of XML; a row may have at most {SheetLimits.MaxRowBytes / 1024 / 1024} MB");
        }
        if (_total > SheetLimits.MaxXmlBytes)
        {
            throw new SheetException($"unpacks to more than {SheetLimits.MaxXmlBytes / 1024 / 1024} MB of XML; a workbook may unpack to at most {SheetLimits.MaxXmlBytes / 1024 / 1024} MB (split it)");
        }
    }
}

/// <summary>A part's stream that counts what the XML reader takes from it against a <see cref="PartBudget"/>.</summary>
internal sealed class BoundedStream(Stream inner, PartBudget budget) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Asked for a little at a time, so the budget is passed by at most one read.
        var read = inner.Read(buffer[..Math.Min(buffer.Length, 64 * 1024)]);
        budget.Read(read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
