using System.Text.Json.Nodes;
using System.Xml.Linq;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;

namespace GridActors.Tests.Open311;

/// <summary>
/// Open311 reads are public: anyone, with no key or a key of another county, reads any request by its id. So they
/// show only what may be published, and discovery never points clients at an address a request made up.
/// </summary>
public sealed class Open311PublicReadTests(Open311Fixture fixture) : IClassFixture<Open311Fixture>
{
    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Discovery_NeverEchoesTheRequestsHostHeader(string format)
    {
        var (status, body) = await DiscoveryAsHost(fixture.Public, format, "evil.example");

        Assert.Equal(200, status);
        Assert.DoesNotContain("evil.example", body);
        Assert.Equal("/open311/v2", EndpointUrl(format, body)); // no address configured: relative to this server
    }

    [Fact]
    public async Task Discovery_AnswersTheConfiguredPublicBaseUrl()
    {
        await using var app = GatewayApp.OnSqlite().WithSetting("Open311:PublicBaseUrl", "https://grid.example.gov.cn/");
        app.Start();

        var (status, body) = await DiscoveryAsHost(app.ClientWith(null), "json", "evil.example");

        Assert.Equal(200, status);
        Assert.DoesNotContain("evil.example", body);
        Assert.Equal("https://grid.example.gov.cn/open311/v2", EndpointUrl("json", body));
    }

    [Fact]
    public async Task AnIssueReportedThroughTheApi_ShowsOnlyItsHandling_ToAnyoneReadingOpen311()
    {
        // Typed in by a grid worker after a phone call: the caller never chose to publish any of it.
        var response = await fixture.Admin.PostJson($"/api/v1/grids/{County.Grid}/issues", """
            {"category":"living-environment","title":"王五家门前排水沟堵塞","description":"王五家门前排水沟堵塞，老人行动不便",
             "location":{"lat":30.4123,"long":116.6123,"address":"董屋组12号王五家"},
             "reporter":{"name":"王五","phone":"13700001111"},"by":"网格员李四"}
            """);
        var created = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, created);
        var id = JsonNode.Parse(created)!["id"].Str();
        await IssueApi.Act(fixture.Admin, id, "accept");
        await IssueApi.Act(fixture.Admin, id, "resolve", """{"note":"已通知王五之子王小明清理，费用由其承担"}""");

        foreach (var (body, format) in await ReadEveryWay(id))
        {
            foreach (var secret in new[] { "王五", "13700001111", "董屋组12号", "排水沟", "王小明", "李四", "30.4123", "116.6123" })
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{secret} in {body}");
            }
            var request = Fields(format, body);
            Assert.Equal(id, request["service_request_id"]);
            Assert.Equal("closed", request["status"]);
            Assert.Equal("已办结 resolved at the grid", request["status_notes"]);
            Assert.Equal("living-environment", request["service_code"]);
            Assert.Equal($"董屋网格 ({County.Grid})", request["agency_responsible"]);
            foreach (var withheld in new[] { "description", "address", "lat", "long", "media_url" })
            {
                Assert.True(string.IsNullOrEmpty(request[withheld]), $"{withheld} shown: {body}");
            }
        }
    }

    [Fact]
    public async Task ARequestPostedThroughOpen311_ShowsWhatItsReporterPublished_AndNothingPersonal()
    {
        var form = Open311Calls.Located(fixture.Reporter, Open311Fixture.InGrid2, "living-environment", "村口垃圾桶满溢");
        form["first_name"] = "六";
        form["last_name"] = "赵";
        form["phone"] = "13600002222";
        form["email"] = "zhaoliu@example.org";
        form["device_id"] = "device-7f3a9c";
        form["account_id"] = "account-55821";
        var id = await fixture.Admin.PostOk(form);
        await IssueApi.Act(fixture.Admin, id, "reject", """{"note":"赵六多次重复投诉，经核实不属实"}""");

        foreach (var (body, format) in await ReadEveryWay(id))
        {
            foreach (var secret in new[] { "赵六", "13600002222", "zhaoliu", "device-7f3a9c", "account-55821", "重复投诉" })
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{secret} in {body}");
            }
            var request = Fields(format, body);
            Assert.Equal("不予受理 rejected at the grid", request["status_notes"]);
            Assert.Equal("村口垃圾桶满溢", request["description"]);
            Assert.Equal("董屋组路口", request["address"]); // the reporter's address_string, sent to a public interface
            Assert.False(string.IsNullOrEmpty(request["lat"]));
        }
    }

    /// <summary>The request read one by one and in a list, in JSON and XML, with no key and with a key of another county.</summary>
    private async Task<List<(string Body, string Format)>> ReadEveryWay(string id)
    {
        var otherCounty = fixture.App.ClientWith(await fixture.Key(Open311Fixture.OtherCounty, "reader"));
        var answers = new List<(string, string)>();
        foreach (var client in new[] { fixture.Public, otherCounty })
        {
            foreach (var format in new[] { "json", "xml" })
            {
                foreach (var path in new[] { $"/requests/{id}.{format}?jurisdiction_id={County.Code}", $"/requests.{format}?jurisdiction_id={County.Code}&service_request_id={id}" })
                {
                    var (status, body, _) = await client.Get(path);
                    Assert.True(status == 200, $"{path}: {status} {body}");
                    if (format == "json")
                    {
                        Open311Schemas.AssertValid("requests.json", body);
                    }
                    answers.Add((body, format));
                }
            }
        }
        return answers;
    }

    /// <summary>The one request of an answer, field by field (null and empty alike as "").</summary>
    private static Dictionary<string, string> Fields(string format, string body) => format == "json"
        ? Assert.Single(JsonNode.Parse(body)!.AsArray())!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "")
        : Assert.Single(XDocument.Parse(body).Root!.Elements("request")).Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);

    private static async Task<(int Status, string Body)> DiscoveryAsHost(HttpClient client, string format, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Open311Calls.Base}/discovery.{format}");
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string EndpointUrl(string format, string body) => format == "json"
        ? JsonNode.Parse(body)!["endpoints"]![0]!["url"].Str()
        : XDocument.Parse(body).Root!.Element("endpoints")!.Element("endpoint")!.Element("url")!.Value;
}
