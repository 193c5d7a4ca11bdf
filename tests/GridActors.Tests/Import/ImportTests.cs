using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.Import;

public sealed class ImportTests(ImportFixture fixture, ITestOutputHelper output) : IClassFixture<ImportFixture>
{
    private const string Boundary = "\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[116.5,30.5],[116.51,30.5],[116.51,30.51],[116.5,30.5]]]}\"";

    [Fact]
    public async Task Units_Csv_GoodBadAndDuplicateRows_ThenAReimportChangesNothing()
    {
        var csv = $"""
            level,code,name,kind,leader_name,leader_phone,villager_groups,boundary
            county,340811,测试县,,,,,
            village,340811100201,一村,村,,,,
            grid,340811100201001,一网格,,张网,13900000001,一组、二组,{Boundary}
            grid,340811100201001,一网格,,张网,13900000001,一组、二组,{Boundary}
            township,340811100,一镇,,,,,
            grid,340811100201002,二网格,,李网,12,,
            grid,3408111002010,坏代码,,,,,
            village,340811100202,二社区,,,,,
            township,340812100,外县镇,,,,,
            county,340811100,错层级,,,,,
            grid,340811100299001,孤儿网格,,,,,
            """;
        var report = await (await fixture.NewCountyManager.PostCsv("units", csv)).Report();
        Assert.Equal(new[] { "2:created", "3:created", "4:created", "5:unchanged", "6:created", "7:rejected", "8:rejected", "9:rejected", "10:rejected", "11:rejected", "12:rejected" }, report.Outcomes());
        Assert.Equal((4, 0, 1, 6), (report.Count("created"), report.Count("updated"), report.Count("unchanged"), report.Count("rejected")));
        Assert.Contains("5 to 15 digits", report.Errors(7)["leader_phone"]);
        Assert.Contains("division code", report.Errors(8)["code"]);
        Assert.Contains("required for a village", report.Errors(9)["kind"]);
        Assert.Contains("outside this key's jurisdiction", report.Errors(10)["code"]);
        Assert.Contains("township code", report.Errors(11)["level"]);
        Assert.Contains("340811100299 is not registered, nor in this file", report.Errors(12)["code"]);

        var grid = await fixture.Admin.GetJson("/api/v1/grids/340811100201001");
        Assert.Equal("张网", grid["leader"]!["name"].Str());
        Assert.Equal(new[] { "一组", "二组" }, grid["villagerGroups"]!.AsArray().Select(g => g.Str()));
        Assert.Equal("Polygon", grid["boundary"]!["type"].Str());
        Assert.Equal("village", (await fixture.Admin.GetJson("/api/v1/villages/340811100201"))["kind"].Str());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync("/api/v1/grids/340811100201002")).StatusCode); // a bad row writes nothing

        var again = await (await fixture.NewCountyManager.PostCsv("units", csv)).Report();
        Assert.Equal((0, 0, 5, 6), (again.Count("created"), again.Count("updated"), again.Count("unchanged"), again.Count("rejected")));

        // A sheet with fewer columns updates what it names and keeps the rest.
        var rename = await (await fixture.NewCountyManager.PostCsv("units", "code,name\n340811100201001,一网格（新）\n")).Report();
        Assert.Equal("updated", rename.Outcome(2));
        grid = await fixture.Admin.GetJson("/api/v1/grids/340811100201001");
        Assert.Equal("一网格（新）", grid["name"].Str());
        Assert.Equal("张网", grid["leader"]!["name"].Str());
        Assert.Equal("Polygon", grid["boundary"]!["type"].Str());
    }

    [Fact]
    public async Task Units_Xlsx_WithChineseHeaders_AsABodyAndAsAFormUpload()
    {
        var xlsx = SheetCalls.Xlsx(
        [
            ["层级", "代码", "名称", "类型", "网格长", "网格长电话", "村民小组", "备注"],
            ["乡镇", "340822101", "~月山镇", null, null, null, null, "新设"],
            ["村", "340822101201", "查湾村", "村", null, null, null, null],
            ["网格", "340822101201001", "查湾一网格", null, "查海", 13955600001d, "查湾组", null],
            ["网格", "340822101201002", "查湾二网格", null, "查二", "139", null, null],
            ["网格", "340822101201001", "查湾一网格", null, "查海", 13955600001d, "查湾组", null],
        ]);
        var report = await (await fixture.Manager.PostXlsx("units", xlsx)).Report();
        Assert.Equal("xlsx", report.Json["format"].Str());
        Assert.Equal(new[] { "2:created", "3:created", "4:created", "5:rejected", "6:unchanged" }, report.Outcomes());
        Assert.Equal(new[] { "备注" }, report.Json["ignoredColumns"]!.AsArray().Select(c => c.Str()));
        Assert.Contains("leader_phone", report.Errors(5).Keys);
        Assert.Equal("13955600001", (await fixture.Admin.GetJson("/api/v1/grids/340822101201001"))["leader"]!["phone"].Str());

        var again = await (await fixture.Manager.PostForm("units", xlsx, "网格名册.xlsx")).Report();
        Assert.Equal(new[] { "2:unchanged", "3:unchanged", "4:unchanged", "5:rejected", "6:unchanged" }, again.Outcomes());
    }

    [Fact]
    public async Task Cadres_Csv_ATermIsWrittenWhole_ABadRowRejectsOnlyItsTerm()
    {
        var csv = """
            村代码,届次,选举日期,姓名,性别,出生日期,学历,政治面貌,职务
            340822100201,2021,2021-03-15,董明,男,1975/3/8,大专,中共党员,书记兼主任
            340822100201,2021,2021-03-15,汪芳,女,1990年7月1日,本科,中共党员,副书记
            340822100201,2021,2021-03-15,查强,男,1968.05,高中,群众,委员
            340822100202,2021,2021-03-16,新书记,男,1980-01-01,大专,是,书记
            340822100202,2021,2021-03-16,坏日期,女,1990-13-01,大专,否,委员
            340823100201,2021,2021-03-16,外县人,男,1980-01-01,大专,是,书记
            """;
        var report = await (await fixture.Manager.PostCsv("cadres", csv)).Report();
        Assert.Equal(new[] { "2:created", "3:created", "4:created", "5:rejected", "6:rejected", "7:rejected" }, report.Outcomes());
        Assert.Contains("YYYY-MM-DD", report.Errors(6)["birth_date"]);
        Assert.Contains("term 340822100202/2021 was not written", report.Errors(5)["term"]);
        Assert.Contains("row 6", report.Errors(5)["term"]);
        Assert.Contains("outside this key's jurisdiction", report.Errors(7)["village"]);

        var term = await fixture.Admin.GetJson($"/api/v1/villages/{County.Village}/terms/2021");
        Assert.Equal(3, term["cadres"]!.AsArray().Count);
        Assert.True(term["oneShoulder"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/api/v1/villages/{County.Village2}/terms/2021")).StatusCode);

        var again = await (await fixture.Manager.PostCsv("cadres", csv)).Report();
        Assert.Equal(new[] { "2:unchanged", "3:unchanged", "4:unchanged", "5:rejected", "6:rejected", "7:rejected" }, again.Outcomes());

        var fixedCsv = csv.Replace("1990-13-01", "1990-12-01");
        var fixedReport = await (await fixture.Manager.PostCsv("cadres", fixedCsv)).Report();
        Assert.Equal("created", fixedReport.Outcome(5));
        Assert.Equal("created", fixedReport.Outcome(6));
    }

    [Fact]
    public async Task Cadres_Xlsx_WithDatesTypedAsDates()
    {
        var xlsx = SheetCalls.Xlsx(
        [
            ["village", "elected_on", "name", "gender", "birth_date", "education", "party_member", "roles"],
            [County.Village2, new DateOnly(2024, 3, 20), "许书记", "female", new DateOnly(1982, 6, 1), "bachelor", "true", "BranchSecretary"],
            [County.Village2, new DateOnly(2024, 3, 20), "许主任", "male", new DateOnly(1979, 1, 9), "college", "false", "VillageDirector"],
        ]);
        var report = await (await fixture.Manager.PostXlsx("cadres", xlsx)).Report();
        Assert.Equal(new[] { "2:created", "3:created" }, report.Outcomes());
        var term = await fixture.Admin.GetJson($"/api/v1/villages/{County.Village2}/terms/2024");
        Assert.Equal("2024-03-20", term["electedOn"].Str());
        Assert.Contains(term["cadres"]!.AsArray(), c => c!["birthDate"].Str() == "1982-06-01");
    }

    [Fact]
    public async Task Members_Csv_GoodBadAndDuplicateRows_AndAChangedPhoneUpdates()
    {
        var csv = $"""
            姓名,性别,出生日期,入党日期,学历,手机,网格,状态,是否有职务
            王党员,男,1970-05-01,1995-07-01,高中,13900001111,{County.Grid},在村,否
            李党员,女,1985-02-02,2010-06-30,本科,13900002222,{County.Grid2},外出务工,
            王党员,男,1970-05-01,1995-07-01,高中,13900001111,{County.Grid},在村,否
            赵坏,男,2000-01-01,2010-01-01,高中,13900003333,{County.Grid},在村,
            钱外,男,1970-01-01,1990-01-01,高中,13900004444,340823100201001,在村,
            """;
        var report = await (await fixture.Manager.PostCsv("members", csv)).Report();
        Assert.Equal(new[] { "2:created", "3:created", "4:unchanged", "5:rejected", "6:rejected" }, report.Outcomes());
        Assert.Contains("18th birthday", report.Errors(5)["joined_party_on"]);
        Assert.Contains("outside this key's jurisdiction", report.Errors(6)["grid"]);
        var members = await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid2}/members");
        Assert.Contains(members["items"]!.AsArray(), m => m!["name"].Str() == "李党员");

        Assert.Equal(new[] { "2:unchanged", "3:unchanged", "4:unchanged", "5:rejected", "6:rejected" }, (await (await fixture.Manager.PostCsv("members", csv)).Report()).Outcomes());
        var changed = await (await fixture.Manager.PostCsv("members", csv.Replace("13900002222", "13900002223"))).Report();
        Assert.Equal("updated", changed.Outcome(3));
    }

    [Fact]
    public async Task AMemberImportedAsAMigrant_GivesUpTheirPost_InTheNameOfTheKeyThatSentTheSheet()
    {
        var csv = $"""
            姓名,性别,出生日期,入党日期,学历,手机,网格,状态
            周岗位,男,1968-03-01,1992-07-01,高中,13900006666,{County.Grid},在村
            """;
        Assert.Equal(new[] { "2:created" }, (await (await fixture.Manager.PostCsv("members", csv)).Report()).Outcomes());
        var id = (await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid}/members?limit=200"))["items"]!.AsArray().Single(m => m!["name"].Str() == "周岗位")!["memberId"].Str();
        (await fixture.Admin.PutJson($"/api/v1/members/{id}/post", """{"post":"securityPatroller","recommendation":"self"}""")).EnsureSuccessStatusCode();

        Assert.Equal("updated", (await (await fixture.Manager.PostCsv("members", csv.Replace("在村", "外出务工"))).Report()).Outcome(2));

        var member = await fixture.Admin.GetJson($"/api/v1/members/{id}");
        Assert.Null(member["post"]);
        var sender = fixture.Manager.DefaultRequestHeaders.GetValues("X-Api-Key").Single().Split('.')[1];
        Assert.Equal((sender, "import-manager"), (member["postHistory"]![0]!["releasedActor"]!["id"].Str(), member["postHistory"]![0]!["releasedActor"]!["name"].Str()));
    }

    [Fact]
    public async Task Households_Csv_GoodAndBadRows_AreIdempotent()
    {
        var csv = $"""
            grid,head,address,phone,size,needs,vulnerable,vulnerability
            {County.Grid3},董大爷,新城3栋101,13900005555,2,助老、就医,是,独居老人
            {County.Grid3},汪大妈,新城3栋102,,3,,否,
            {County.Grid3},坏户,,,,,,
            {County.Grid3},错人口,新城3栋103,,很多,,,
            """;
        var report = await (await fixture.Manager.PostCsv("households", csv)).Report();
        Assert.Equal(new[] { "2:created", "3:created", "4:rejected", "5:rejected" }, report.Outcomes());
        Assert.Contains("required", report.Errors(4)["address"]);
        Assert.Contains("whole number", report.Errors(5)["size"]);
        Assert.Equal(new[] { "2:unchanged", "3:unchanged", "4:rejected", "5:rejected" }, (await (await fixture.Manager.PostCsv("households", csv)).Report()).Outcomes());
    }

    [Fact]
    public async Task AFileThatCannotBeImported_IsRefusedWithAProblem()
    {
        await (await fixture.Manager.PostCsv("units", "名称,类型\n某村,村\n")).AssertInvalid("code", "required column");
        await (await fixture.Manager.PostCsv("units", "")).AssertInvalid("file", "empty");
        await (await fixture.Manager.PostXlsx("units", Encoding.UTF8.GetBytes("not a zip"))).AssertInvalid("file", "not an XLSX workbook");
        await (await fixture.Manager.PostJson("/api/v1/import/units", "{}")).AssertProblem(415);
        await (await fixture.Manager.PostCsv("units", "code,name\n", charset: "klingon")).AssertProblem(415);
        await (await fixture.Reader.PostCsv("units", "code,name\n340822100,高河镇\n")).AssertProblem(403);
        await (await fixture.App.ClientWith(null).PostCsv("units", "code,name\n340822100,高河镇\n")).AssertProblem(401);
    }

    [Fact]
    public async Task ACsvSavedAsGb18030_IsRead()
    {
        var gb = Encoding.GetEncoding("GB18030");
        var report = await (await fixture.Manager.PostCsv("units", "代码,名称,类型\n340822100203,石镜村,村\n", gb, "gb18030")).Report();
        Assert.Equal("created", report.Outcome(2));
        Assert.Equal("石镜村", (await fixture.Admin.GetJson("/api/v1/villages/340822100203"))["name"].Str());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("utf-8")]
    public async Task ACsvThatIsNotUtf8_SentAsUtf8OrWithoutACharset_IsRefusedNamingItsEncoding(string? charset)
    {
        var gb = Encoding.GetEncoding("GB18030");
        var village = charset is null ? "340822100204" : "340822100205";
        var response = await fixture.Manager.PostCsv("units", $"代码,名称,类型\n{village},石门村,村\n", gb, charset);

        await response.AssertInvalid("file", "is not UTF-8; send charset=gb18030");
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/api/v1/villages/{village}")).StatusCode);
    }

    [Theory]
    [InlineData("手机号", "查大爷", "新城5栋501")]
    [InlineData("手机", "查二叔", "新城5栋502")]
    [InlineData("联系电话", "查三婶", "新城5栋503")]
    public async Task Households_ReadThePhoneColumn_UnderTheHeadersMembersUse(string header, string head, string address)
    {
        var csv = $"网格,户主,地址,{header}\n{County.Grid3},{head},{address},13900007777\n";
        var report = await (await fixture.Manager.PostCsv("households", csv)).Report();

        Assert.Equal(new[] { "2:created" }, report.Outcomes());
        Assert.Empty(report.Json["ignoredColumns"]!.AsArray());
        var households = await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid3}/households");
        var household = Assert.Single(households["items"]!.AsArray(), h => h!["head"].Str() == head)!;
        Assert.Equal("13900007777", household["phone"].Str());
    }

    [Fact]
    public async Task ALargeFile_IsStreamedPastTheJsonBodyLimit()
    {
        // 500 grids with 96-point boundaries: about 1.2 MB, past the 1 MB limit of every other route.
        var csv = new StringBuilder("code,name,kind,boundary\n340822102,新安镇,,\n340822102201,新安村,village,\n340822102202,新河村,village,\n");
        for (var i = 0; i < 500; i++)
        {
            var lon = 116 + (i % 100 * 0.01);
            var lat = 30 + (i / 100 * 0.01);
            var ring = string.Join(",", Enumerable.Range(0, 96).Select(k => FormattableString.Invariant($"[{lon + (0.005 * Math.Cos(k * Math.PI / 48)):F6},{lat + (0.005 * Math.Sin(k * Math.PI / 48)):F6}]")));
            var first = FormattableString.Invariant($"[{lon + 0.005:F6},{lat:F6}]");
            var code = $"34082210220{1 + (i / 250)}{1 + (i % 250):D3}";
            csv.Append(CultureInfo.InvariantCulture, $"{code},网格{i},,\"{{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[{ring},{first}]]}}\"\n");
        }
        Assert.True(Encoding.UTF8.GetByteCount(csv.ToString()) > 1_100_000);
        var watch = Stopwatch.StartNew();
        var report = await (await fixture.Manager.PostCsv("units", csv.ToString())).Report();
        output.WriteLine($"{report.Json["rows"]} rows, {csv.Length / 1024} KB in {watch.ElapsedMilliseconds} ms: {report.Json["rows"]!.GetValue<int>() * 1000.0 / watch.ElapsedMilliseconds:F0} rows/s");
        Assert.Equal(503, report.Count("created"));
        Assert.Equal(503, report.Json["rows"]!.GetValue<int>());
        Assert.Equal(250, (await fixture.Admin.GetJson("/api/v1/villages/340822102202"))["children"]!.AsArray().Count);

        // The imported boundaries route Open311 requests: the first builds the county's spatial index.
        var form = new Dictionary<string, string>
        {
            ["api_key"] = GatewayApp.AdminKey, ["jurisdiction_id"] = County.Code, ["service_code"] = "other",
            ["lat"] = "30.04", ["long"] = "116.77", ["description"] = "路灯不亮",
        };
        var located = new List<(long Ms, string Grid)>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            watch.Restart();
            var posted = await fixture.Admin.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form));
            var id = System.Text.Json.Nodes.JsonNode.Parse(await posted.Content.ReadAsStringAsync())![0]!["service_request_id"].Str();
            located.Add((watch.ElapsedMilliseconds, (await fixture.Admin.GetJson($"/api/v1/issues/{id}"))["grid"].Str()));
        }
        output.WriteLine($"located requests (first builds the index of 500 grids): {string.Join(", ", located.Select(l => $"{l.Ms} ms"))}");
        // Row i = 477 is centred on (116.77, 30.04): the second village (i / 250 = 1), grid 1 + 477 % 250 = 228.
        Assert.All(located, l => Assert.Equal("340822102202228", l.Grid));
    }
}
