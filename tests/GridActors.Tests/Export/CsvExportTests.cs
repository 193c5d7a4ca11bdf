using GridActors.Gateway.Export;

namespace GridActors.Tests.Export;

/// <summary>Text a county imported comes back out of an export inert: a spreadsheet opening the file runs nothing.</summary>
public sealed class CsvExportTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://example.com\",\"点击\")", "'=HYPERLINK(\"http://example.com\",\"点击\")")]
    [InlineData("+86 139 0000 0001", "'+86 139 0000 0001")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "'\r=1+1")]
    public void Neutralise_ACellASpreadsheetWouldRun_GetsALeadingQuote(string stored, string exported) =>
        Assert.Equal(exported, SpreadsheetCells.Neutralise(stored));

    [Theory]
    [InlineData("董屋组")]
    [InlineData("13900000001")]
    [InlineData(" =1+1")]
    [InlineData("a=b")]
    [InlineData("'quoted")]
    [InlineData("")]
    [InlineData(null)]
    public void Neutralise_AnyOtherCell_IsWrittenAsStored(string? stored) =>
        Assert.Equal(stored, SpreadsheetCells.Neutralise(stored));

    [Fact]
    public void Row_QuotesWhatRfc4180Needs_AfterNeutralising()
    {
        var row = CsvExport.Row(["340822100201", "=1+2", "董屋组,汪屋组", "说\"是\"", "一行\n二行", null, "-5,2"]);

        Assert.Equal("340822100201,'=1+2,\"董屋组,汪屋组\",\"说\"\"是\"\"\",\"一行\n二行\",,\"'-5,2\"\r\n", row);
    }
}
