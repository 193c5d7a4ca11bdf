using System.Text.Json;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Party;

/// <summary>Steps of the Party network API as a village's staff would take them.</summary>
internal static class PartyApi
{
    public static string MemberJson(
        string grid, string name = "董建国", string status = "resident", string[]? skills = null, string[]? services = null, int hours = 8,
        bool holdsOffice = false, string birthDate = "1968-05-01", string joinedPartyOn = "1994-07-01", string gender = "male") =>
        JsonSerializer.Serialize(new
        {
            name,
            gender,
            birthDate,
            joinedPartyOn,
            education = "seniorSecondary",
            phone = "13955600001",
            grid,
            status,
            holdsOffice,
            card = new
            {
                basicStatus = "身体健康，家中务农",
                developmentCapability = "种植大户，带动能力强",
                technicalSkills = skills ?? [],
                willingness = new { servicesOffered = services ?? [], hoursPerMonth = hours },
            },
        });

    public static async Task<string> CreateMember(HttpClient http, string grid, string name = "董建国", string status = "resident",
        string[]? skills = null, string[]? services = null, int hours = 8)
    {
        var response = await http.PostJson("/api/v1/members", MemberJson(grid, name, status, skills, services, hours));
        return (await Created(response))["id"].Str();
    }

    /// <summary>The township and village codes of a test grid.</summary>
    public static (string Township, string Village) Units(string grid) => (grid[..9], grid[..12]);

    public static string GroupJson(string grid, string leaderId, string centre = "董屋组12号（组长家）")
    {
        var (township, village) = Units(grid);
        return JsonSerializer.Serialize(new
        {
            leaderId,
            activityCenter = new { address = centre, atLeaderHome = true },
            instructors = new object[]
            {
                new { name = "汪镇委", phone = "0556-4611234", unit = township, title = "镇党委组织委员" },
                new { name = "查支委", phone = "13855611111", unit = village, title = "村支部委员" },
            },
        });
    }

    public static async Task<JsonNode> SetUpGroup(HttpClient http, string grid, string leaderId)
    {
        var response = await http.PutJson($"/api/v1/grids/{grid}/party-group", GroupJson(grid, leaderId));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT party-group: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> ClaimPost(HttpClient http, string memberId, string post, string recommendation = "self")
    {
        var response = await http.PutJson($"/api/v1/members/{memberId}/post", $$"""{"post":"{{post}}","recommendation":"{{recommendation}}"}""");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"claim {post}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"expected 201, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static JsonArray Items(this JsonNode list) => list["items"]!.AsArray();

    public static string[] Strings(this JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    public static HttpRequestMessage Request(HttpMethod method, string url, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }
}

/// <summary>One gateway on SQLite with the test county, shared by the classes of the Party collection; each test makes its own members.</summary>
public sealed class PartyFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<object>>> _once = new();

    /// <summary>Builds something once for the whole collection (e.g. a second county for exact counts).</summary>
    public async Task<T> Once<T>(string key, Func<Task<T>> build) where T : class =>
        (T)await _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await build())).Value;
}

[CollectionDefinition(Name)]
public sealed class PartyCollection : ICollectionFixture<PartyFixture>
{
    public const string Name = "Party network";
}
