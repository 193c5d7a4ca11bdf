using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;

namespace GridActors.Tests.Open311;

/// <summary>GeoReport v2 as an Open311 client library uses it: discovery, services, requests, in JSON and XML.</summary>
public sealed class Open311Tests(Open311Fixture fixture) : IClassFixture<Open311Fixture>
{
    private static readonly string[] RequestFields =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice",
        "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    ];

    /// <summary>The issue's "done when": only Open311 calls on the app's side; the county's staff act through /api/v1.</summary>
    [Fact]
    public async Task AnOpen311Client_ListsServices_PostsALocatedRequest_AndFollowsItToClosed()
    {
        var app = fixture.App.ClientWith(null);
        var services = JsonNode.Parse((await app.Get($"/services.json?jurisdiction_id={County.Code}")).Body)!.AsArray();
        var service = services.Select(s => s!["service_code"].Str()).First(c => c == "safety-hazard");
        var definition = await app.Get($"/services/{service}.json?jurisdiction_id={County.Code}");
        Open311Schemas.AssertValid("service-definition.json", definition.Body);

        var id = await app.PostOk(Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid2, service, "村道旁电线杆倾斜"));
        var shown = await Request(id);
        Assert.Equal($"汪屋网格 ({County.Grid2})", shown["agency_responsible"].Str());
        var token = await app.Get($"/tokens/{id}.json?jurisdiction_id={County.Code}");
        Assert.Equal(200, token.Status);
        Open311Schemas.AssertValid("tokens.json", token.Body);
        Assert.Equal("open", shown["status"].Str());

        var staff = fixture.App.ClientWith(await fixture.Key(County.Code, "handler"));
        await IssueApi.Act(staff, id, "accept");
        Assert.Contains("已受理", (await Request(id))["status_notes"].Str());
        await IssueApi.Act(staff, id, "resolve", """{"note":"已联系供电所扶正电线杆"}""");
        var closed = await Request(id);
        Assert.Equal("closed", closed["status"].Str());
        Assert.Equal("已办结 resolved at the grid", closed["status_notes"].Str()); // the handler's note stays inside
        Assert.Contains(id, await List("&status=closed&service_code=safety-hazard"));
    }

    [Fact]
    public async Task Discovery_NamesTheEndpointAndBothFormats()
    {
        var json = await fixture.Public.Get("/discovery.json");
        Assert.Equal(200, json.Status);
        Open311Schemas.AssertValid("discovery.json", json.Body);
        var endpoint = JsonNode.Parse(json.Body)!["endpoints"]![0]!;
        Assert.EndsWith("/open311/v2", endpoint["url"].Str());
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint["specification"].Str());
        Assert.Equal(new[] { "text/xml", "application/json" }, endpoint["formats"]!.AsArray().Select(f => f.Str()));

        var xml = await fixture.Public.Get("/discovery.xml");
        Assert.Equal("text/xml", xml.ContentType);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml.Body);
        var root = XDocument.Parse(xml.Body).Root!;
        Assert.Equal("discovery", root.Name.LocalName);
        Assert.Equal(new[] { "text/xml", "application/json" }, root.Element("endpoints")!.Element("endpoint")!.Element("formats")!.Elements("format").Select(e => e.Value));
    }

    [Fact]
    public async Task Services_AreTheCountysCategories_InJsonAndXml()
    {
        var json = await fixture.Public.Get($"/services.json?jurisdiction_id={County.Code}");
        Assert.Equal(200, json.Status);
        Assert.Equal("application/json", json.ContentType);
        Open311Schemas.AssertValid("services.json", json.Body);
        var services = JsonNode.Parse(json.Body)!.AsArray();
        var living = services.Single(s => s!["service_code"].Str() == "living-environment")!;
        Assert.StartsWith("人居环境", living["service_name"].Str());
        Assert.True(living["metadata"]!.GetValue<bool>());
        Assert.Equal("realtime", living["type"].Str());
        Assert.Equal(8, services.Count);

        var xml = await fixture.Public.Get($"/services.xml?jurisdiction_id={County.Code}");
        var root = XDocument.Parse(xml.Body).Root!;
        Assert.Equal("services", root.Name.LocalName);
        Assert.Equal(8, root.Elements("service").Count());
        Assert.Equal(new[] { "service_code", "service_name", "description", "metadata", "type", "keywords", "group" },
            root.Elements("service").First().Elements().Select(e => e.Name.LocalName));
        Assert.Contains(root.Elements("service"), s => s.Element("service_code")!.Value == "safety-hazard" && s.Element("metadata")!.Value == "true");
    }

    [Fact]
    public async Task ServiceDefinition_OffersTheCountysGridsAsTheGridCodeAttribute()
    {
        var json = await fixture.Public.Get($"/services/neighbour-dispute.json?jurisdiction_id={County.Code}");
        Assert.Equal(200, json.Status);
        Open311Schemas.AssertValid("service-definition.json", json.Body);
        var attribute = JsonNode.Parse(json.Body)!["attributes"]![0]!;
        Assert.Equal("grid_code", attribute["code"].Str());
        Assert.Equal("singlevaluelist", attribute["datatype"].Str());
        var values = attribute["values"]!.AsArray().Select(v => (v!["key"].Str(), v["name"].Str())).ToArray();
        Assert.Contains((County.Grid, "高河镇 董屋村 董屋网格"), values);
        Assert.Equal(3, values.Length);

        var xml = XDocument.Parse((await fixture.Public.Get($"/services/neighbour-dispute.xml?jurisdiction_id={County.Code}")).Body).Root!;
        Assert.Equal("service_definition", xml.Name.LocalName);
        var element = xml.Element("attributes")!.Element("attribute")!;
        Assert.Equal(3, element.Element("values")!.Elements("value").Count());
        Assert.Equal("grid_code", element.Element("code")!.Value);
    }

    [Fact]
    public async Task PostRequest_WithALocation_LandsInTheGridWhoseBoundaryContainsIt()
    {
        foreach (var (at, grid) in new[] { (Open311Fixture.InGrid, County.Grid), (Open311Fixture.InGrid2, County.Grid2), (Open311Fixture.InGrid3, County.Grid3) })
        {
            var id = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, at));
            var issue = await IssueApi.Get(fixture.Admin, id);
            Assert.Equal(grid, issue["grid"].Str());
            Assert.Equal("living-environment", issue["category"].Str());
            Assert.Equal(at.Lat, issue["location"]!["lat"]!.GetValue<double>());
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task PostRequest_WithAMediaUrl_AttachesItToTheIssueAsAPhoto_WithoutAHash(string format)
    {
        var photo = $"https://img.example.cn/reports/{format}/rubbish-heap.jpg";
        var (status, body, _) = await fixture.Admin.Post(format, Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid).Also(f => f["media_url"] = photo));
        Assert.True(status == 201, body);
        if (format == "json")
        {
            Open311Schemas.AssertValid("request-created.json", body);
        }
        var id = format == "json"
            ? JsonNode.Parse(body)![0]!["service_request_id"].Str()
            : XDocument.Parse(body).Root!.Element("request")!.Element("service_request_id")!.Value;

        // Handlers see the photo on the issue; the hash is empty because the app never had the file.
        var issue = await IssueApi.Get(fixture.Admin, id);
        var attachment = Assert.Single(issue["attachments"]!.AsArray())!;
        Assert.Equal("photo", attachment["kind"].Str());
        Assert.Equal(photo, attachment["url"].Str());
        Assert.Null(attachment["sha256"]);
        // And the public read still shows it as the request's media_url.
        Assert.Equal(photo, (await Request(id))["media_url"].Str());
    }

    [Fact]
    public async Task PostRequest_AfterAGridIsDrawnOrRedrawn_IsRoutedByTheCurrentBoundaries()
    {
        // A new grid drawn where there was none: the next request there finds it.
        var grid = "340822100202002";
        var put = await fixture.Admin.PutJson($"/api/v1/grids/{grid}", $$"""{"name":"新城二网格","boundary":{{Open311Fixture.Square(116.80, 30.60)}}}""");
        Assert.True(put.IsSuccessStatusCode);
        var id = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, (30.61, 116.81)));
        Assert.Equal(grid, (await IssueApi.Get(fixture.Admin, id))["grid"].Str());

        // The same grid redrawn elsewhere: the old place is outside every grid, the new one routes to it.
        put = await fixture.Admin.PutJson($"/api/v1/grids/{grid}", $$"""{"name":"新城二网格","boundary":{{Open311Fixture.Square(116.90, 30.70)}}}""");
        Assert.True(put.IsSuccessStatusCode);
        Open311Calls.AssertError(400, await Post("json", Open311Calls.Located(fixture.Reporter, (30.61, 116.81))), "json", "outside every grid");
        id = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, (30.71, 116.91)));
        Assert.Equal(grid, (await IssueApi.Get(fixture.Admin, id))["grid"].Str());
    }

    [Fact]
    public async Task PostRequest_WithAnAddressAndAGridCode_IsAccepted_InXml()
    {
        var form = new Dictionary<string, string>
        {
            ["api_key"] = fixture.Reporter,
            ["jurisdiction_id"] = County.Code,
            ["service_code"] = "neighbour-dispute",
            ["address_string"] = "新城社区3栋",
            ["attribute[grid_code]"] = County.Grid3,
            ["description"] = "楼上漏水，邻里协商不成",
            ["media_url"] = "https://example.org/photos/1.jpg",
        };
        var (status, body, response) = await fixture.Admin.Post("xml", form);
        Assert.True(status == 201, body);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var request = XDocument.Parse(body).Root!;
        Assert.Equal("service_requests", request.Name.LocalName);
        var created = request.Element("request")!;
        Assert.Equal(new[] { "service_request_id", "service_notice", "account_id" }, created.Elements().Select(e => e.Name.LocalName));
        var id = created.Element("service_request_id")!.Value;
        Assert.Contains(County.Grid3, created.Element("service_notice")!.Value);

        var shown = XDocument.Parse((await fixture.Public.Get($"/requests/{id}.xml?jurisdiction_id={County.Code}")).Body).Root!.Element("request")!;
        Assert.Equal(RequestFields, shown.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("新城社区3栋", shown.Element("address")!.Value);
        Assert.Equal("https://example.org/photos/1.jpg", shown.Element("media_url")!.Value);
        Assert.Equal("", shown.Element("lat")!.Value);
        Assert.Equal("open", shown.Element("status")!.Value);
    }

    [Fact]
    public async Task ARequest_IsFollowedFromOpenToClosed_WithNotesHolderAndDates_InJsonAndXml()
    {
        var id = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid, "neighbour-dispute", "两户因宅基地边界争执"));
        var open = await Request(id);
        Assert.Equal("open", open["status"].Str());
        Assert.Equal($"董屋网格 ({County.Grid})", open["agency_responsible"].Str());
        Assert.Contains("待受理", open["status_notes"].Str());
        Assert.Equal("两户因宅基地边界争执", open["description"].Str());
        var requested = DateTimeOffset.Parse(open["requested_datetime"].Str(), CultureInfo.InvariantCulture);
        Assert.Equal(fixture.App.Clock.GetUtcNow(), requested);
        Assert.EndsWith("+08:00", open["requested_datetime"].Str());
        Assert.Equal(requested.AddDays(3), DateTimeOffset.Parse(open["expected_datetime"].Str(), CultureInfo.InvariantCulture)); // the grid's deadline

        await IssueApi.Act(fixture.Admin, id, "escalate", """{"note":"涉及两个村民组，需村里调解"}""");
        var escalated = await Request(id);
        Assert.Equal("open", escalated["status"].Str());
        Assert.Equal($"董屋村 ({County.Village})", escalated["agency_responsible"].Str());
        Assert.Contains("escalated to the village", escalated["status_notes"].Str());
        Assert.Equal(requested.AddDays(7), DateTimeOffset.Parse(escalated["expected_datetime"].Str(), CultureInfo.InvariantCulture));

        await IssueApi.Act(fixture.Admin, id, "accept");
        await IssueApi.Act(fixture.Admin, id, "resolve", """{"note":"村调委会调解，双方签订协议"}""");
        var resolved = await Request(id);
        Assert.Equal("closed", resolved["status"].Str());
        Assert.Equal("已办结 resolved at the village", resolved["status_notes"].Str());
        Assert.Null(resolved["expected_datetime"]);

        await IssueApi.Act(fixture.Admin, id, "close", """{"satisfaction":5}""");
        var xml = XDocument.Parse((await fixture.Public.Get($"/requests/{id}.xml?jurisdiction_id={County.Code}")).Body).Root!.Element("request")!;
        Assert.Equal("closed", xml.Element("status")!.Value);
        Assert.Equal("已办结 resolved at the village and closed", xml.Element("status_notes")!.Value);
        Assert.Equal("", xml.Element("expected_datetime")!.Value);
        Assert.Equal(W3c(fixture.App.Clock.GetUtcNow()), xml.Element("updated_datetime")!.Value);
    }

    [Fact]
    public async Task ListRequests_FiltersByIdServiceStatusAndWindow()
    {
        var dispute = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid2, "public-security", "夜间有人偷电动车"));
        var hazard = await fixture.Admin.PostOk(Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid2, "safety-hazard", "桥栏杆断裂"));
        await IssueApi.Act(fixture.Admin, hazard, "reject", """{"note":"已由交通部门处理"}""");
        // Reported through /api/v1, not Open311: the county's register learns of it from the queues.
        var direct = await IssueApi.Report(fixture.Admin, County.Grid2, "public-security", "村口路灯下聚众赌博");

        var all = await List("");
        Assert.Contains(dispute, all);
        Assert.Contains(hazard, all);
        Assert.Contains(direct, all);

        var security = await List("&service_code=public-security");
        Assert.Contains(dispute, security);
        Assert.Contains(direct, security);
        Assert.DoesNotContain(hazard, security);

        var both = await List("&service_code=public-security,safety-hazard&status=closed");
        Assert.Contains(hazard, both);
        Assert.DoesNotContain(dispute, both);
        Assert.DoesNotContain(hazard, await List("&status=open"));

        Assert.Equal(new[] { direct, dispute }, await List($"&service_request_id={direct},{dispute},not-an-id&status=closed"));

        var now = fixture.App.Clock.GetUtcNow();
        Assert.Empty(await List($"&end_date={Uri.EscapeDataString(W3c(now.AddMinutes(-1)))}"));
        Assert.Contains(dispute, await List($"&start_date={now.AddDays(-1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}&end_date={now.AddDays(1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Contains(dispute, await List($"&start_date={now.AddDays(-89):yyyy-MM-dd}"));
        Assert.Empty(await List($"&start_date={now.AddDays(-100):yyyy-MM-dd}")); // start only: 90 days from it, which ends before now

        var xml = XDocument.Parse((await fixture.Public.Get($"/requests.xml?jurisdiction_id={County.Code}&service_request_id={dispute}")).Body).Root!;
        Assert.Equal("service_requests", xml.Name.LocalName);
        Assert.Equal(dispute, Assert.Single(xml.Elements("request")).Element("service_request_id")!.Value);
    }

    [Fact]
    public async Task ListRequests_ShowNoPersonalData_WhileHandlersSeeTheReporter()
    {
        var form = Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid3, "request-for-help", "独居老人家中断水");
        form["first_name"] = "三";
        form["last_name"] = "张";
        form["phone"] = "13912345678";
        form["email"] = "zhangsan@example.org";
        var id = await fixture.Admin.PostOk(form);

        var json = (await fixture.Public.Get($"/requests.json?jurisdiction_id={County.Code}&service_request_id={id}")).Body;
        var xml = (await fixture.Public.Get($"/requests/{id}.xml?jurisdiction_id={County.Code}")).Body;
        foreach (var body in new[] { json, xml })
        {
            Assert.DoesNotContain("张三", body);
            Assert.DoesNotContain("13912345678", body);
            Assert.DoesNotContain("zhangsan", body);
        }
        var issue = await IssueApi.Get(fixture.Admin, id);
        Assert.Equal("张三", issue["reporter"]!["name"].Str());
        Assert.Equal("13912345678", issue["reporter"]!["phone"].Str());
    }

    [Fact]
    public async Task PostRequest_WithAnIdempotencyKey_ReturnsTheFirstRequestOnARetry()
    {
        var form = Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid, "other", "井盖缺失");
        var first = await fixture.Admin.PostOk(form, "open311-retry-1");
        var (status, body, response) = await fixture.Admin.Post("json", form, "open311-retry-1");
        Assert.Equal(201, status);
        Assert.Equal(first, JsonNode.Parse(body)![0]!["service_request_id"].Str());
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());

        form["description"] = "另一件事";
        Open311Calls.AssertError(400, await Post("json", form, "open311-retry-1"), "json", "Idempotency-Key");
    }

    public static TheoryData<string> Formats() => new() { "json", "xml" };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Reads_AnswerTheSpecsErrors(string format)
    {
        var o = fixture.Public;
        Open311Calls.AssertError(400, await Read(o, $"/services.{format}"), format, "jurisdiction_id is required");
        Open311Calls.AssertError(400, await Read(o, $"/services.{format}?jurisdiction_id=12"), format, "not a county code");
        Open311Calls.AssertError(404, await Read(o, $"/services.{format}?jurisdiction_id=340899"), format, "340899 was not found");
        Open311Calls.AssertError(404, await Read(o, $"/services/no-such-service.{format}?jurisdiction_id={County.Code}"), format, "no-such-service");
        Open311Calls.AssertError(404, await Read(o, $"/requests/{Guid.NewGuid()}.{format}?jurisdiction_id={County.Code}"), format, "was not found");
        Open311Calls.AssertError(404, await Read(o, $"/requests/not-an-id.{format}?jurisdiction_id={County.Code}"), format);
        Open311Calls.AssertError(404, await Read(o, $"/tokens/{Guid.NewGuid()}.{format}?jurisdiction_id={County.Code}"), format);
        Open311Calls.AssertError(400, await Read(o, $"/requests.{format}?jurisdiction_id={County.Code}&status=pending"), format, "status pending");
        Open311Calls.AssertError(400, await Read(o, $"/requests.{format}?jurisdiction_id={County.Code}&start_date=2026-01-01&end_date=2026-04-15"), format, "90 days");
        Open311Calls.AssertError(400, await Read(o, $"/requests.{format}?jurisdiction_id={County.Code}&start_date=2026-03-01&end_date=2026-02-01"), format, "before start_date");
        Open311Calls.AssertError(400, await Read(o, $"/requests.{format}?jurisdiction_id={County.Code}&start_date=yesterday"), format, "start_date");

        // A request of another county is not found in this one.
        var other = await fixture.Admin.PostOk(new Dictionary<string, string>(Open311Calls.Located(fixture.OtherReporter, Open311Fixture.InGrid)) { ["jurisdiction_id"] = Open311Fixture.OtherCounty });
        Open311Calls.AssertError(404, await Read(o, $"/requests/{other}.{format}?jurisdiction_id={County.Code}"), format);
        Assert.Equal(200, (await o.Get($"/requests/{other}.{format}?jurisdiction_id={Open311Fixture.OtherCounty}")).Status);
    }

    [Fact]
    public async Task AnUnknownFormat_Is404()
    {
        Open311Calls.AssertError(404, await Read(fixture.Public, $"/services.html?jurisdiction_id={County.Code}"), "json", "format html");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task PostRequest_AnswersTheSpecsErrors(string format)
    {
        var form = Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid);
        Dictionary<string, string> With(string field, string? value)
        {
            var changed = new Dictionary<string, string>(form);
            if (value is null)
            {
                changed.Remove(field);
            }
            else
            {
                changed[field] = value;
            }
            return changed;
        }
        Open311Calls.AssertError(403, await Post(format, With("api_key", null)), format, "api_key is required");
        Open311Calls.AssertError(403, await Post(format, With("api_key", "gak.kaaaaaaaaaaaaaaaaaaa.forged")), format, "not a valid key");
        Open311Calls.AssertError(403, await Post(format, With("api_key", fixture.Reader)), format, "reporter role");
        Open311Calls.AssertError(403, await Post(format, With("api_key", fixture.OtherReporter)), format, "may post requests only in 340823");
        Open311Calls.AssertError(400, await Post(format, With("jurisdiction_id", null)), format, "jurisdiction_id is required");
        Open311Calls.AssertError(404, await Post(format, With("jurisdiction_id", "340899")), format, "340899 was not found");
        Open311Calls.AssertError(400, await Post(format, With("service_code", null)), format, "service_code is required");
        Open311Calls.AssertError(404, await Post(format, With("service_code", "potholes")), format, "service_code potholes was not found");
        Open311Calls.AssertError(400, await Post(format, With("lat", "31.2").Also(f => f["long"] = "117.3")), format, "outside every grid");
        Open311Calls.AssertError(400, await Post(format, With("long", null)), format, "long is required with lat");
        Open311Calls.AssertError(400, await Post(format, With("lat", "north")), format, "lat must be a decimal number");
        Open311Calls.AssertError(400, await Post(format, With("lat", "95")), format, "lat must be within [-90, 90]");
        Open311Calls.AssertError(400, await Post(format, With("lat", null).Also(f => f.Remove("long"))), format, "address_string needs attribute[grid_code]");
        Open311Calls.AssertError(400, await Post(format, With("lat", null).Also(f => { f.Remove("long"); f.Remove("address_string"); })), format, "a location is required");
        Open311Calls.AssertError(400, await Post(format, With("lat", null).Also(f => { f.Remove("long"); f["attribute[grid_code]"] = "340823100201001"; })), format, "is not in jurisdiction 340822");
        Open311Calls.AssertError(400, await Post(format, With("lat", null).Also(f => { f.Remove("long"); f["attribute[grid_code]"] = "340822100201009"; })), format, "is not a registered grid");
        Open311Calls.AssertError(400, await Post(format, With("description", new string('长', 4001))), format, "description must be at most 4000");
        Open311Calls.AssertError(400, await Post(format, With("phone", "call me")), format, "phone");
        Open311Calls.AssertError(400, await Post(format, With("media_url", "ftp://example.org/a.jpg")), format, "media_url");
    }

    [Fact]
    public async Task AKeyForAGrid_MayPostOnlyThere()
    {
        var gridKey = await fixture.Key(County.Grid, "reporter");
        await fixture.Admin.PostOk(Open311Calls.Located(gridKey, Open311Fixture.InGrid));
        Open311Calls.AssertError(403, await Post("json", Open311Calls.Located(gridKey, Open311Fixture.InGrid2)), "json", County.Grid2);
    }

    private async Task<JsonNode> Request(string id)
    {
        var (status, body, _) = await fixture.Public.Get($"/requests/{id}.json?jurisdiction_id={County.Code}");
        Assert.True(status == 200, body);
        Open311Schemas.AssertValid("requests.json", body);
        var request = Assert.Single(JsonNode.Parse(body)!.AsArray())!;
        Assert.Equal(RequestFields, request.AsObject().Select(p => p.Key));
        return request;
    }

    private async Task<string[]> List(string query)
    {
        var (status, body, _) = await fixture.Public.Get($"/requests.json?jurisdiction_id={County.Code}{query}");
        Assert.True(status == 200, body);
        Open311Schemas.AssertValid("requests.json", body);
        return JsonNode.Parse(body)!.AsArray().Select(r => r!["service_request_id"].Str()).ToArray();
    }

    private async Task<(int, string)> Post(string format, Dictionary<string, string> form, string? key = null)
    {
        var (status, body, _) = await fixture.Admin.Post(format, form, key);
        return (status, body);
    }

    private static async Task<(int, string)> Read(HttpClient http, string path)
    {
        var (status, body, _) = await http.Get(path);
        return (status, body);
    }

    private static string W3c(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}

internal static class DictionaryExtensions
{
    public static Dictionary<string, string> Also(this Dictionary<string, string> form, Action<Dictionary<string, string>> change)
    {
        change(form);
        return form;
    }
}
