using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;
using Microsoft.Extensions.Hosting;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// A county on a gateway in the Production environment, where ASP.NET Core on its own answers a body it cannot read
/// with a bare 400: the one rule for every JSON body (docs/errors.md) must hold there, not only in Development.
/// </summary>
public sealed class ProductionCounty : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite().WithSetting("environment", "Production");
    public HttpClient Http { get; private set; } = null!;
    public string Member { get; private set; } = "";
    public string Issue { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
        Member = await PartyApi.CreateMember(Http, County.Grid);
        Issue = await IssueApi.Report(Http, County.Grid);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class BodyRulesTests(ProductionCounty county) : IClassFixture<ProductionCounty>
{
    private HttpClient Http => county.Http;

    [Fact]
    public void TheGateway_RunsAsInProduction() =>
        Assert.Equal(Environments.Production, county.App.Service<IHostEnvironment>().EnvironmentName);

    public static TheoryData<string, string, string, string, string> Misspelled => new()
    {
        // method, url, body, misspelled field, a known field the answer lists
        { "PUT", $"/api/v1/grids/{County.Grid}", """{"name":"董屋网格","villagerGroup":["董屋组"]}""", "villagerGroup", "villagerGroups" },
        { "PUT", $"/api/v1/grids/{County.Grid}", """{"name":"董屋网格","leader":{"name":"董明","phnoe":"13955612345"}}""", "leader.phnoe", "phone" },
        { "PUT", "/api/v1/members/{member}", PartyApi.MemberJson(County.Grid).Replace("\"status\"", "\"stauts\""), "stauts", "status" },
        { "POST", "/api/v1/issues/{issue}/accept", """{"reason":"已受理"}""", "reason", "note" },
    };

    [Theory]
    [MemberData(nameof(Misspelled))]
    public async Task AMisspelledField_IsNamed_WithTheFieldsTheRequestKnows_AndNothingIsWritten(string method, string url, string body, string field, string known)
    {
        url = url.Replace("{member}", county.Member).Replace("{issue}", county.Issue);
        var readBack = url.Replace("/accept", "");
        var before = await (await Http.GetAsync(readBack)).Content.ReadAsStringAsync();

        var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });

        await response.AssertInvalid(field, "is not a known field of this request; known fields: ");
        var rule = (await Errors(response))[field]![0]!.GetValue<string>();
        Assert.Contains(known, rule.Split("known fields: ")[1].Split(", "));
        Assert.Equal(before, await (await Http.GetAsync(readBack)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TruncatedJson_IsAnsweredWithTheLineAndPositionOfTheError()
    {
        var response = await Http.PutJson($"/api/v1/grids/{County.Grid}", """{"name":"董屋网格","villagerGroups":["董屋组" """);

        await response.AssertInvalid("$", "is not valid JSON: ");
        var rule = (await Errors(response))["$"]![0]!.GetValue<string>();
        Assert.Matches(@"at line 1, position \d+$", rule);
    }

    [Fact]
    public async Task TextThatIsNotJson_IsAnsweredAtLine1Position1()
    {
        var response = await Http.PostJson("/api/v1/members", "<member name=\"董建国\"/>");

        await response.AssertInvalid("$", "is not valid JSON: '<' is an invalid start of a value at line 1, position 1");
    }

    [Theory]
    [InlineData("""{"name":"董屋网格","leader":{"name":"董明","phone":13955612345}}""", "leader.phone", "must be a JSON string")]
    [InlineData("""{"name":"董屋网格","villagerGroups":["董屋组",7]}""", "villagerGroups[1]", "must be a JSON string")]
    [InlineData("""{"name":"董屋网格","villagerGroups":"董屋组"}""", "villagerGroups", "must be a JSON array")]
    [InlineData("""{"name":"董屋网格","leader":"董明"}""", "leader", "must be a JSON object")]
    [InlineData("""["董屋网格"]""", "$", "must be a JSON object")]
    [InlineData("""{"name":"\ud800"}""", "name", "is not valid: ")]
    public async Task AValueOfTheWrongType_NamesThePathOfTheProperty(string body, string field, string rule)
    {
        var before = await Http.GetJson($"/api/v1/grids/{County.Grid}");

        var response = await Http.PutJson($"/api/v1/grids/{County.Grid}", body);

        await response.AssertInvalid(field, rule);
        Assert.Equal(before.ToJsonString(), (await Http.GetJson($"/api/v1/grids/{County.Grid}")).ToJsonString());
    }

    [Fact]
    public async Task AWriteWithNoBody_IsAnsweredThatTheBodyIsRequired()
    {
        var response = await Http.PutAsync($"/api/v1/grids/{County.Grid}", null);

        await response.AssertInvalid("$", "is required: a JSON body");
    }

    [Theory]
    [InlineData("/api/v1/keys?limit=abc", "limit", "must be a whole number")]
    [InlineData($"/api/v1/grids/{County.Grid}/issues?overdue=maybe", "overdue", "must be true or false")]
    public async Task AQueryValueThatDoesNotParse_NamesTheParameter(string url, string field, string rule)
    {
        var response = await Http.GetAsync(url);

        await response.AssertInvalid(field, rule);
    }

    [Theory]
    [InlineData("counties", County.Code, "abc")]
    [InlineData("grids", County.Grid, "2026-13-45")]
    [InlineData("villages", County.Village, "' OR 1=1 --")]
    public async Task ResolutionStats_WithAnUnparsableTo_NamesTo(string level, string code, string to)
    {
        var response = await Http.GetAsync($"/api/v1/{level}/{code}/resolution-stats?to={Uri.EscapeDataString(to)}");

        await response.AssertInvalid("to", "must be a date YYYY-MM-DD");
    }

    [Fact]
    public async Task ResolutionStats_ToTheFirstDayOfYear1_AnswersAWindowStartingThere()
    {
        var response = await Http.GetAsync($"/api/v1/townships/{County.Township}/resolution-stats?to=0001-01-05");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("multipart/form-data", "service_code=neighbour-dispute")]
    [InlineData("application/x-www-form-urlencoded", null)]
    public async Task AFormThatCannotBeRead_IsRefusedAsABody_NotAnsweredWith500(string contentType, string? body)
    {
        // Multipart without a boundary; a form key of 100 KB, over the framework's key length limit.
        var content = new StringContent(body ?? new string('k', 100_000) + "=1");
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await county.App.ClientWith(null).PostAsync("/open311/v2/requests.json", content);

        await response.AssertInvalid("$", "is not a readable form: ");
    }

    private static async Task<JsonObject> Errors(HttpResponseMessage response) =>
        (await response.Json())["errors"]!.AsObject();
}
