using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using GridActors.Gateway.Import;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.Import;

/// <summary>
/// Files made to exhaust the gateway's memory, and files that are not workbooks at all, sent with an ordinary
/// manager key: each is refused whole with a 400 naming the limit or the flaw, and nothing of it is written, even
/// the good row it starts with. The files are small (a few KB): zip compresses their repetition away.
/// </summary>
public sealed class ImportLimitTests(ImportFixture fixture, ITestOutputHelper output) : IClassFixture<ImportFixture>
{
    private const string Header = """<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>""";

    /// <summary>A good row 2: a township the import would create if it wrote anything.</summary>
    private static string GoodRow(string township) =>
        $"""<row r="2"><c r="A2" t="inlineStr"><is><t>{township}</t></is></c><c r="B2" t="inlineStr"><is><t>限制镇</t></is></c></row>""";

    [Fact]
    public async Task Xlsx_ACellInColumnHJUNYV_IsRefusedBeforeTheRowIsPadded()
    {
        const string township = "340822120";
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township) + """<row r="3"><c r="HJUNYV3"><v>1</v></c></row>""");
        Assert.True(xlsx.Length < 4096);

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", $"has a cell in column HJUNYV; a row may have at most {SheetLimits.MaxColumns} columns");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_ACellReferenceThatOverflowsAnInteger_IsRefused()
    {
        // 14 letters overflow an int: the column must not wrap round to a small or negative number.
        var xlsx = RawXlsx.Build(sheetData: Header + """<row r="2"><c r="AAAAAAAAAAAAAA2"><v>1</v></c></row>""");

        await (await fixture.Manager.PostXlsx("units", xlsx)).AssertInvalid("file", $"at most {SheetLimits.MaxColumns} columns");
    }

    [Fact]
    public async Task Xlsx_ColumnsPastTheLimit_AreRefusedEvenWithoutCellReferences()
    {
        var cells = string.Concat(Enumerable.Repeat("<c><v>1</v></c>", SheetLimits.MaxColumns + 1));
        var xlsx = RawXlsx.Build(sheetData: Header + $"<row r=\"2\">{cells}</row>");

        await (await fixture.Manager.PostXlsx("units", xlsx)).AssertInvalid("file", $"at most {SheetLimits.MaxColumns} columns");
    }

    [Fact]
    public async Task Xlsx_ASharedStringsTablePastTheLimit_IsRefused()
    {
        const string township = "340822121";
        var strings = new StringBuilder("""<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""");
        for (var i = 0; i <= SheetLimits.MaxSharedStrings; i++)
        {
            strings.Append("<si><t/></si>");
        }
        strings.Append("</sst>");
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township), sharedStrings: strings.ToString());
        Assert.True(xlsx.Length < 64 * 1024, $"{xlsx.Length} bytes");

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", $"at most {N(SheetLimits.MaxSharedStrings)} shared strings");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_MoreCellsThanAFileMayHave_IsRefused()
    {
        const string township = "340822122";
        var row = string.Concat(Enumerable.Repeat("<c/>", 200));
        var sheet = new StringBuilder(Header + GoodRow(township));
        for (var r = 3; r <= 3 + (SheetLimits.MaxCells / 200); r++)
        {
            sheet.Append("<row>").Append(row).Append("</row>");
        }
        var xlsx = RawXlsx.Build(sheetData: sheet.ToString());
        Assert.True(xlsx.Length < 64 * 1024, $"{xlsx.Length} bytes");

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", $"at most {N(SheetLimits.MaxCells)} cells");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_ASharedStringRepeatedPastTheCharacterLimit_IsRefused()
    {
        // One shared string of a million characters, named by 17 cells: 17 million characters of cell text.
        const string township = "340822123";
        var strings = $"""<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{new string('x', SheetLimits.MaxCellCharacters)}</t></si></sst>""";
        var cells = string.Concat(Enumerable.Range(0, 17).Select(c => $"""<c t="s"><v>0</v></c>"""));
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township) + $"<row r=\"3\">{cells}</row>", sharedStrings: strings);
        Assert.True(xlsx.Length < 16 * 1024, $"{xlsx.Length} bytes");

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", $"at most {N(SheetLimits.MaxCharacters)} characters");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_ACellLongerThanTheLimit_IsRefused()
    {
        const string township = "340822124";
        var cell = $"""<c r="C3" t="inlineStr"><is><t>{new string('x', SheetLimits.MaxCellCharacters + 1)}</t></is></c>""";
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township) + $"<row r=\"3\">{cell}</row>");

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", $"row 3: a cell is longer than {N(SheetLimits.MaxCellCharacters)} characters");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_ARowOfMoreXmlThanTheLimit_IsRefused()
    {
        // Not a cell: a comment of 8 MB between the cells, which the XML reader would otherwise hold whole.
        const string township = "340822125";
        var comment = $"<!--{new string('x', 2 * SheetLimits.MaxRowBytes)}-->";
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township) + $"<row r=\"3\"><c r=\"A3\"><v>1</v></c>{comment}</row>");
        Assert.True(xlsx.Length < 64 * 1024, $"{xlsx.Length} bytes");

        var response = await fixture.Manager.PostXlsx("units", xlsx);

        await response.AssertInvalid("file", "MB of XML");
        await AssertNotWritten(township);
    }

    public static TheoryData<string, string> MalformedWorkbooks => new()
    {
        { "dtd", "DTD" },
        { "entity", "not well-formed" },
        { "dtd-in-content-types", "DTD" },
        { "no-workbook", "has no workbook" },
        { "no-sheet", "has no worksheets" },
        { "sheet-id-unknown", "has no worksheets" },
        { "target-outside-package", "not an XLSX workbook" },
        { "target-external", "has no worksheets" },
        { "not-xml", "not well-formed" },
        { "truncated-zip", "not an XLSX workbook" },
    };

    [Theory]
    [MemberData(nameof(MalformedWorkbooks))]
    public async Task Xlsx_AMalformedWorkbook_IsRefusedWithA400_AndWritesNothing(string flaw, string rule)
    {
        var township = $"3408221{30 + MalformedWorkbooks.ToList().FindIndex(d => (string)d[0] == flaw)}";
        var sheet = Header + GoodRow(township);
        var xlsx = flaw switch
        {
            "dtd" => RawXlsx.Build(sheetData: sheet, sheetProlog: """<!DOCTYPE worksheet [<!ENTITY x "x">]>"""),
            "entity" => RawXlsx.Build(sheetData: sheet + """<row r="3"><c r="A3" t="inlineStr"><is><t>&xxe;</t></is></c></row>"""),
            "dtd-in-content-types" => RawXlsx.Build(sheetData: sheet, contentTypesProlog: """<!DOCTYPE Types [<!ENTITY x SYSTEM "file:///etc/passwd">]>"""),
            "no-workbook" => RawXlsx.Build(sheetData: sheet, rootRelationships: ""),
            "no-sheet" => RawXlsx.Build(sheetData: sheet, sheets: ""),
            "sheet-id-unknown" => RawXlsx.Build(sheetData: sheet, sheets: """<sheet name="s" sheetId="1" r:id="rId99"/>"""),
            "target-outside-package" => RawXlsx.Build(sheetData: sheet, sheetTarget: "../../../../etc/passwd"),
            "target-external" => RawXlsx.Build(sheetData: sheet, sheetTarget: "file:///etc/passwd", external: true),
            "not-xml" => RawXlsx.Build(sheetData: sheet, sheetXml: "this is not XML"),
            _ => RawXlsx.Build(sheetData: sheet)[..^40],
        };

        var response = await fixture.Manager.PostXlsx("units", xlsx);
        output.WriteLine(await response.Content.ReadAsStringAsync());

        await response.AssertInvalid("file", rule);
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Xlsx_AWellFormedRawWorkbook_IsImported()
    {
        // The builder of the hostile files makes a workbook the import reads: the refusals above are for their flaw.
        const string township = "340822126";
        var xlsx = RawXlsx.Build(sheetData: Header + GoodRow(township) + """<row r="3"><c r="A3"/><c r="D3"><v>1</v></c></row>""");

        var report = await (await fixture.Manager.PostXlsx("units", xlsx)).Report();

        Assert.Equal(new[] { "2:created", "3:rejected" }, report.Outcomes());
        Assert.Equal("限制镇", (await fixture.Admin.GetJson($"/api/v1/townships/{township}"))["name"].Str());
    }

    [Fact]
    public async Task Csv_AHeaderPastTheColumnLimit_IsRefused()
    {
        var csv = "code,name" + new string(',', SheetLimits.MaxColumns) + "\n340822127,限制镇\n";

        var response = await fixture.Manager.PostCsv("units", csv);

        await response.AssertInvalid("file", $"row 1: has more than {SheetLimits.MaxColumns} columns");
        await AssertNotWritten("340822127");
    }

    [Fact]
    public async Task Csv_ARowPastTheColumnLimit_AfterGoodRows_IsRefusedAndWritesNothing()
    {
        const string township = "340822128";
        var csv = $"code,name\n{township},限制镇\n340822129,限制二镇{new string(',', SheetLimits.MaxColumns)}\n";

        var response = await fixture.Manager.PostCsv("units", csv);

        await response.AssertInvalid("file", $"row 3: has more than {SheetLimits.MaxColumns} columns");
        await AssertNotWritten(township);
    }

    [Fact]
    public async Task Csv_AQuotedCellNeverClosed_AfterGoodRows_IsRefusedAndWritesNothing()
    {
        const string township = "340822140";
        var csv = $"code,name\n{township},限制镇\n340822141,\"限制二镇\n";

        var response = await fixture.Manager.PostCsv("units", csv);

        await response.AssertInvalid("file", "row 3: a quoted cell is never closed");
        await AssertNotWritten(township);
    }

    private static string N(int limit) => limit.ToString("N0", CultureInfo.InvariantCulture);

    private async Task AssertNotWritten(string township) =>
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/api/v1/townships/{township}")).StatusCode);
}

/// <summary>
/// An XLSX written part by part, as a hostile client would: every part is text given here, so a test can put a
/// DTD, a far-away column or a relationship pointing out of the package exactly where it wants one.
/// </summary>
internal static class RawXlsx
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static byte[] Build(
        string sheetData,
        string? sharedStrings = null,
        string sheetProlog = "",
        string? sheetXml = null,
        string contentTypesProlog = "",
        string? rootRelationships = null,
        string sheets = """<sheet name="导入" sheetId="1" r:id="rId1"/>""",
        string sheetTarget = "worksheets/sheet1.xml",
        bool external = false)
    {
        var parts = new Dictionary<string, string>
        {
            ["[Content_Types].xml"] = $"""
                <?xml version="1.0" encoding="UTF-8"?>{contentTypesProlog}
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
                </Types>
                """,
            ["_rels/.rels"] = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rootRelationships
                    ?? """<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"""}</Relationships>
                """,
            ["xl/workbook.xml"] = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <workbook xmlns="{Main}" xmlns:r="{Relations}"><sheets>{sheets}</sheets></workbook>
                """,
            ["xl/_rels/workbook.xml.rels"] = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{sheetTarget}"{(external ? " TargetMode=\"External\"" : "")}/>
                {(sharedStrings is null ? "" : """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""")}
                </Relationships>
                """,
            ["xl/worksheets/sheet1.xml"] = sheetXml ?? $"""<?xml version="1.0" encoding="UTF-8"?>{sheetProlog}<worksheet xmlns="{Main}"><sheetData>{sheetData}</sheetData></worksheet>""",
        };
        if (sharedStrings is not null)
        {
            parts["xl/sharedStrings.xml"] = sharedStrings;
        }
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in parts)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(Encoding.UTF8.GetBytes(text.TrimStart()));
            }
        }
        return stream.ToArray();
    }
}
