using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace GridActors.Gateway.Export;

/// <summary>The two download formats of every table and report.</summary>
public static class ExportFiles
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>UTF-8 with a byte order mark, so Excel on Chinese Windows reads the Chinese text rightly.</summary>
    public static byte[] Csv(ExportTable table)
    {
        var text = new StringBuilder();
        text.Append(CsvExport.Row(table.Columns));
        foreach (var row in table.Rows)
        {
            text.Append(CsvExport.Row(row.Select(ExportTable.CellText)));
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>
    /// One worksheet: the header row, then numbers as numbers and text as inline strings, never formulas. A text that a
    /// spreadsheet would take for a formula if typed (<see cref="SpreadsheetCells"/>) gets the quote-prefix style, so
    /// editing the cell keeps it text.
    /// </summary>
    public static byte[] Xlsx(ExportTable table, string sheetName)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()) { Count = 1 },
                new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
                new Borders(new Border()) { Count = 1 },
                new CellFormats(new CellFormat(), new CellFormat { QuotePrefix = true, ApplyAlignment = false }) { Count = 2 });
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(table.Columns.Cast<object?>().ToArray()));
            foreach (var row in table.Rows)
            {
                data.Append(Row(row));
            }
            sheet.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = sheetName[..Math.Min(31, sheetName.Length)] }));
        }
        return stream.ToArray();
    }

    private static Row Row(object?[] cells)
    {
        var row = new Row();
        foreach (var cell in cells)
        {
            row.Append(cell switch
            {
                double number => new Cell { DataType = CellValues.Number, CellValue = new CellValue(number) },
                string text => new Cell
                {
                    DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(XmlSafe(text)) { Space = SpaceProcessingModeValues.Preserve }),
                    StyleIndex = SpreadsheetCells.Neutralise(text) == text ? null : 1U,
                },
                _ => new Cell(),
            });
        }
        return row;
    }

    /// <summary>XML 1.0 cannot carry most control characters; a stored text with one is written without it.</summary>
    private static string XmlSafe(string text) =>
        text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) ? new string(text.Where(c => !char.IsControl(c) || c is '\t' or '\n' or '\r').ToArray()) : text;
}
