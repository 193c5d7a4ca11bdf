using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using GridActors.Tests.Access;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;
using Xunit.Abstractions;

namespace GridActors.Tests.Export;

/// <summary>Every table and report downloads as CSV and XLSX, holding what its JSON pages hold, masked the same way.</summary>
public sealed class ExportTests
{
    [Fact]
    public async Task AQueueOfMoreThanOnePage_DownloadsWhole_InCsvAndXlsx_RowForRowAsItsJsonPages()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        // More than one page of the export's own paging (200), with a title a spreadsheet would run as a formula.
        for (var i = 0; i < 205; i++)
        {
            await IssueApi.Report(admin, County.Grid, title: i == 0 ? "=SUM(1;2) 点击" : $"纠纷 {i}");
        }
        var json = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await admin.GetJson($"/api/v1/grids/{County.Grid}/issues?limit=50" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            json.AddRange(page["items"]!.AsArray().Select(n => n!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.Equal(205, json.Count);

        var csv = await admin.GetAsync($"/api/v1/grids/{County.Grid}/issues?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"issues-{County.Grid}.csv", csv.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["id", "category", "title", "status", "grid", "arrivedAt", "deadline", "overdue"], header);
        Assert.Equal(json.Select(n => n["id"].Str()), lines[1..].Select(l => l.Split(',')[0]));
        Assert.Contains(lines, l => l.Contains(",'=SUM(1;2) 点击,", StringComparison.Ordinal));
        Assert.Equal(json.Select(n => n["status"].Str()), lines[1..].Select(l => l.Split(',')[3]));

        var xlsx = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/grids/{County.Grid}/issues")
        {
            Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") } },
        });
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var rows = Sheet(await xlsx.Content.ReadAsByteArrayAsync(), out var quoted);
        Assert.Equal(header, rows[0]);
        Assert.Equal(json.Select(n => n["id"].Str()), rows.Skip(1).Select(r => r[0]));
        // In XLSX the text is kept as it was, as a string cell marked quote-prefixed: never a formula.
        Assert.Contains("=SUM(1;2) 点击", quoted);
    }

    [Fact]
    public async Task ADownload_IsMaskedAsTheJsonIs_AndAReportIsFieldAndValue_AndAWrongFormatIs400()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        await PartyApi.Created(await admin.PostJson($"/api/v1/grids/{County.Grid}/households",
            """{"head":"董大爷","address":"董屋组12号","phone":"13800001111","size":2,"needs":[],"vulnerable":true,"vulnerability":"独居老人","memberIds":[],"partyMemberHome":false,"central":false,"servedHouseholds":[]}"""));
        var reader = app.ClientWith((await (await admin.PostJson("/api/v1/keys", $$"""{"app":"reader-app","jurisdiction":"{{County.Code}}","roles":["reader"]}""")).Json())["secret"].Str());

        var masked = await reader.GetStringAsync($"/api/v1/grids/{County.Grid}/households?format=csv");
        Assert.Contains("138****1111", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("13800001111", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("独居老人", masked, StringComparison.Ordinal);
        var shown = await admin.GetStringAsync($"/api/v1/grids/{County.Grid}/households?format=csv");
        Assert.Contains("13800001111", shown, StringComparison.Ordinal);

        var report = (await admin.GetStringAsync($"/api/v1/counties/{County.Code}/resolution-stats?format=csv")).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("field,value", report[0]);
        Assert.Contains($"unit,{County.Code}", report);
        Assert.Contains("level,county", report);

        var wrong = await admin.GetAsync($"/api/v1/grids/{County.Grid}/households?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var problem = await wrong.Json();
        Assert.Equal("must be one of: csv, xlsx", problem["errors"]!["format"]![0].Str());
        // Outside the key's jurisdiction a download is refused as the JSON is.
        var elsewhere = app.ClientWith((await (await admin.PostJson("/api/v1/keys", """{"app":"other-app","jurisdiction":"340823","roles":["reader"]}""")).Json())["secret"].Str());
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/grids/{County.Grid}/households?format=csv")).StatusCode);
    }

    /// <summary>The first worksheet's rows as text, and the texts of the cells marked quote-prefixed.</summary>
    internal static List<string[]> Sheet(byte[] file, out List<string> quoted)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(file), false);
        var workbook = document.WorkbookPart!;
        var formats = workbook.WorkbookStylesPart!.Stylesheet!.CellFormats!.Elements<CellFormat>().ToArray();
        var sheet = workbook.WorksheetParts.Single().Worksheet!;
        quoted = [];
        var rows = new List<string[]>();
        foreach (var row in sheet.Descendants<Row>())
        {
            var cells = row.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray();
            quoted.AddRange(row.Elements<Cell>().Where(c => c.StyleIndex is { } s && formats[s.Value].QuotePrefix?.Value == true).Select(c => c.InlineString!.InnerText));
            rows.Add(cells);
        }
        return rows;
    }
}

/// <summary>Every read the document lists as exportable downloads, or is refused as its JSON would be; never a 5xx.</summary>
public sealed class ExportWalkTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    [Fact]
    public async Task EveryExportableRead_DownloadsCsvAndXlsx_OrIsRefusedWithAProblem()
    {
        var exportable = 0;
        var failures = new List<string>();
        foreach (var (method, template, operation) in fixture.Operations())
        {
            if (operation["parameters"] is not JsonArray parameters || !parameters.Any(p => p!["name"].Str() == "format" && p["in"].Str() == "query"))
            {
                continue;
            }
            exportable++;
            Assert.NotNull(operation["responses"]!["200"]!["content"]!["text/csv"]);
            var url = fixture.FillA(template, operation);
            foreach (var format in new[] { "csv", "xlsx" })
            {
                var response = await fixture.Admin.SendAsync(fixture.Request(method, $"{url}{(url.Contains('?') ? '&' : '?')}format={format}", null));
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode == HttpStatusCode.OK ? type != (format == "csv" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                    : (int)response.StatusCode >= 500 || type != "application/problem+json")
                {
                    failures.Add($"{method} {template} format={format}: {(int)response.StatusCode} {type}");
                }
                if (response.StatusCode == HttpStatusCode.OK && format == "xlsx")
                {
                    ExportTests.Sheet(await response.Content.ReadAsByteArrayAsync(), out _);
                }
            }
        }
        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }
        output.WriteLine($"{exportable} exportable reads");
        Assert.True(exportable >= 40, $"only {exportable} reads are exportable");
        Assert.Empty(failures);
    }
}
