using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Import;

/// <summary>
/// A county downloads each import's template, and the file, sent back unchanged, is accepted: its header row is the
/// one docs/import.md lists and its example row is written (or already there), never rejected.
/// </summary>
public sealed class ImportTemplateTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    /// <summary>The columns as docs/import.md lists them, in its order and spelling.</summary>
    public static TheoryData<string, string> DocumentedColumns => new()
    {
        { "units", "code,name,level,kind,leader_name,leader_phone,villager_groups,boundary" },
        { "cadres", "village,year,elected_on,name,gender,birth_date,education,party_member,roles" },
        { "members", "name,gender,birth_date,joined_party_on,education,phone,grid,status,holds_office" },
        { "households", "grid,head,address,phone,size,needs,needs_note,vulnerable,vulnerability" },
    };

    [Theory]
    [MemberData(nameof(DocumentedColumns))]
    public async Task EachTemplate_HasTheDocumentedHeader_AndIsAcceptedUnchanged_AsCsvAndAsXlsx(string kind, string columns)
    {
        var csv = await fixture.Manager.GetAsync($"/api/v1/import/{kind}/template?format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"import-{kind}-template.csv", csv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(columns, lines[0]);
        Assert.Equal(2, lines.Length);

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        var report = await (await fixture.Manager.PostAsync($"/api/v1/import/{kind}", content)).Report();
        Assert.Equal(1, report.Json["rows"]!.GetValue<int>());
        Assert.NotEqual("rejected", report.Outcome(2));
        Assert.Empty(report.Json["ignoredColumns"]!.AsArray());

        var xlsx = await fixture.Manager.GetAsync($"/api/v1/import/{kind}/template?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal(SheetCalls.XlsxType, xlsx.Content.Headers.ContentType!.MediaType);
        var fromXlsx = await (await fixture.Manager.PostXlsx(kind, await xlsx.Content.ReadAsByteArrayAsync())).Report();
        Assert.Equal("xlsx", fromXlsx.Json["format"].Str());
        Assert.Empty(fromXlsx.Json["ignoredColumns"]!.AsArray());
        // The same example row again: already as the file says.
        Assert.Equal("unchanged", fromXlsx.Outcome(2));
    }

    [Fact]
    public async Task TheCadreTemplate_WritesItsExampleTerm_AsTheCountyWouldReadIt()
    {
        var template = await fixture.Manager.GetByteArrayAsync("/api/v1/import/cadres/template");
        var content = new ByteArrayContent(template);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        await (await fixture.Manager.PostAsync("/api/v1/import/cadres", content)).Report();

        var term = await fixture.Admin.GetJson($"/api/v1/villages/{County.Village}/terms/2021");
        var cadre = Assert.Single(term["cadres"]!.AsArray())!;
        Assert.Equal("董明", cadre["name"].Str());
        Assert.True(term["oneShoulder"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnUnknownFormat_IsRefusedNamingTheField()
    {
        var response = await fixture.Manager.GetAsync("/api/v1/import/units/template?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be one of: csv, xlsx", (await response.Json())["errors"]!["format"]![0].Str());
    }
}
