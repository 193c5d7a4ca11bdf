using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Import;

/// <summary>怀宁县 (from <see cref="County"/>) and manager keys: one for 怀宁县, one for the empty county 340811 that unit imports fill.</summary>
public sealed class ImportFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Manager { get; private set; } = null!;
    public HttpClient NewCountyManager { get; private set; } = null!;
    public HttpClient Reader { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        await County.Create(Admin);
        Manager = App.ClientWith(await Key(County.Code, "manager"));
        NewCountyManager = App.ClientWith(await Key("340811", "manager"));
        Reader = App.ClientWith(await Key(County.Code, "reader"));
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private async Task<string> Key(string jurisdiction, string role)
    {
        var response = await Admin.PostJson("/api/v1/keys", $$"""{"app":"import-{{role}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }
}

/// <summary>Sending sheets as a county's staff would, and reading the report.</summary>
internal static class SheetCalls
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>A CSV as the body; <paramref name="charset"/> null sends <c>text/csv</c> without one, as many clients do.</summary>
    public static Task<HttpResponseMessage> PostCsv(this HttpClient http, string kind, string csv, Encoding? encoding = null, string? charset = "utf-8")
    {
        var content = new ByteArrayContent((encoding ?? Encoding.UTF8).GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = charset };
        return http.PostAsync($"/api/v1/import/{kind}", content);
    }

    public static Task<HttpResponseMessage> PostXlsx(this HttpClient http, string kind, byte[] xlsx)
    {
        var content = new ByteArrayContent(xlsx);
        content.Headers.ContentType = new MediaTypeHeaderValue(XlsxType);
        return http.PostAsync($"/api/v1/import/{kind}", content);
    }

    /// <summary>A browser-style upload: a multipart form with the file.</summary>
    public static Task<HttpResponseMessage> PostForm(this HttpClient http, string kind, byte[] file, string fileName)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", fileName } };
        return http.PostAsync($"/api/v1/import/{kind}", form);
    }

    public static async Task<Report> Report(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return new Report(JsonNode.Parse(body)!);
    }

    /// <summary>
    /// An XLSX workbook made with the Open XML SDK, as Excel writes one: text in the shared strings table (and
    /// some inline), numbers and dates as numbers.
    /// </summary>
    public static byte[] Xlsx(IEnumerable<object?[]> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            sheet.Worksheet = new Worksheet(data);
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new SharedStringTable();
            var index = new Dictionary<string, int>();
            uint r = 0;
            foreach (var values in rows)
            {
                r++;
                var row = new Row { RowIndex = r };
                for (var c = 0; c < values.Length; c++)
                {
                    var reference = $"{(char)('A' + c)}{r}";
                    switch (values[c])
                    {
                        case null:
                            break;
                        case double number:
                            row.Append(new Cell { CellReference = reference, CellValue = new CellValue(number) });
                            break;
                        case DateOnly date:
                            row.Append(new Cell { CellReference = reference, CellValue = new CellValue(date.ToDateTime(TimeOnly.MinValue).ToOADate()) });
                            break;
                        case string text when text.StartsWith('~'):
                            row.Append(new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text[1..])) });
                            break;
                        case var value:
                            var text2 = value.ToString()!;
                            if (!index.TryGetValue(text2, out var i))
                            {
                                i = index[text2] = index.Count;
                                strings.SharedStringTable.Append(new SharedStringItem(new Text(text2)));
                            }
                            row.Append(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(i) });
                            break;
                    }
                }
                data.Append(row);
            }
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "导入" }));
        }
        return stream.ToArray();
    }
}

/// <summary>An import report, read the way a county's staff would check it.</summary>
internal sealed class Report(JsonNode json)
{
    public JsonNode Json { get; } = json;

    public int Count(string outcome) => Json[outcome]!.GetValue<int>();

    public string Outcome(int row) => RowOf(row)["outcome"].Str();

    /// <summary>The rules a rejected row broke, by column.</summary>
    public Dictionary<string, string> Errors(int row) =>
        RowOf(row)["errors"]!.AsObject().ToDictionary(e => e.Key, e => string.Join("; ", e.Value!.AsArray().Select(v => v.Str())));

    public string[] Outcomes() => Json["results"]!.AsArray().Select(r => $"{r!["row"]}:{r["outcome"].Str()}").ToArray();

    private JsonNode RowOf(int row) => Json["results"]!.AsArray().Single(r => r!["row"]!.GetValue<int>() == row)!;

    public override string ToString() => Json.ToJsonString();
}
