using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using GridActors.Gateway.Open311;
using GridActors.Tests.Infrastructure;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Tests.Open311;

/// <summary>
/// 怀宁县 with boundaries drawn on its three grids (squares side by side near 30.4°N 116.6°E), a second county,
/// and keys: a reporter for each county, a reader. The register catches up on every list, so a test sees an
/// issue reported through /api/v1 at once.
/// </summary>
public sealed class Open311Fixture : IAsyncLifetime
{
    public const string OtherCounty = "340823";
    public const string OtherGrid = "340823100201001";

    /// <summary>A point inside each grid, as (lat, long).</summary>
    public static readonly (double Lat, double Long) InGrid = (30.41, 116.61), InGrid2 = (30.41, 116.63), InGrid3 = (30.51, 116.71), Outside = (31.2, 117.3);

    public GatewayApp App { get; } = GatewayApp.OnSqlite().WithTestServices(services => services.PostConfigure<Open311Options>(o =>
    {
        o.RequestListStaleness = TimeSpan.Zero;
        o.RebuildOnMissAfter = TimeSpan.Zero;
    }));

    public HttpClient Admin { get; private set; } = null!;
    /// <summary>No key: Open311 reads are public.</summary>
    public HttpClient Public { get; private set; } = null!;
    public string Reporter { get; private set; } = "";
    public string OtherReporter { get; private set; } = "";
    public string Reader { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        Public = App.ClientWith(null);
        await County.Create(Admin);
        await Put($"/api/v1/grids/{County.Grid}", $$"""{"name":"董屋网格","villagerGroups":["董屋组"],"leader":{"name":"董明","phone":"13955612345"},"boundary":{{Square(116.60, 30.40)}}}""");
        await Put($"/api/v1/grids/{County.Grid2}", $$"""{"name":"汪屋网格","villagerGroups":["汪屋组","查屋组"],"boundary":{{Square(116.62, 30.40)}}}""");
        await Put($"/api/v1/grids/{County.Grid3}", $$$"""{"name":"新城一网格","boundary":{"type":"MultiPolygon","coordinates":[{{{Ring(116.70, 30.50)}}}]}}""");
        await Put($"/api/v1/counties/{OtherCounty}", """{"name":"潜山市"}""");
        await Put($"/api/v1/townships/{OtherGrid[..9]}", """{"name":"梅城镇"}""");
        await Put($"/api/v1/villages/{OtherGrid[..12]}", """{"name":"城东村","kind":"village"}""");
        await Put($"/api/v1/grids/{OtherGrid}", $$"""{"name":"城东网格","boundary":{{Square(116.60, 30.40)}}}""");
        Reporter = await Key(County.Code, "reporter");
        OtherReporter = await Key(OtherCounty, "reporter");
        Reader = await Key(County.Code, "reader");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A 0.02° square with its south-west corner at (lon, lat), as a GeoJSON Polygon.</summary>
    public static string Square(double lon, double lat) => $$"""{"type":"Polygon","coordinates":{{Ring(lon, lat)}}}""";

    private static string Ring(double lon, double lat) => FormattableString.Invariant(
        $"[[[{lon},{lat}],[{lon + 0.02},{lat}],[{lon + 0.02},{lat + 0.02}],[{lon},{lat + 0.02}],[{lon},{lat}]]]");

    private async Task Put(string url, string json)
    {
        var response = await Admin.PutJson(url, json);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<string> Key(string jurisdiction, string role)
    {
        var response = await Admin.PostJson("/api/v1/keys", $$"""{"app":"open311-{{role}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }
}

/// <summary>What an Open311 client library sends and reads.</summary>
internal static class Open311Calls
{
    public const string Base = "/open311/v2";

    public static async Task<(int Status, string Body, string? ContentType)> Get(this HttpClient http, string path)
    {
        var response = await http.GetAsync(Base + path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<(int Status, string Body, HttpResponseMessage Response)> Post(this HttpClient http, string format, IEnumerable<KeyValuePair<string, string>> form, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Base}/requests.{format}") { Content = new FormUrlEncodedContent(form) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>The form of a located request in 怀宁县.</summary>
    public static Dictionary<string, string> Located(string apiKey, (double Lat, double Long) at, string service = "living-environment", string description = "路边堆放垃圾，无人清理") => new()
    {
        ["api_key"] = apiKey,
        ["jurisdiction_id"] = County.Code,
        ["service_code"] = service,
        ["lat"] = at.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["long"] = at.Long.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["address_string"] = "董屋组路口",
        ["description"] = description,
    };

    /// <summary>Posts a request in JSON, asserts 201 and a valid answer, and returns its service_request_id.</summary>
    public static async Task<string> PostOk(this HttpClient http, Dictionary<string, string> form, string? idempotencyKey = null)
    {
        var (status, body, _) = await http.Post("json", form, idempotencyKey);
        Assert.True(status == 201, $"POST requests.json: {status} {body}");
        Open311Schemas.AssertValid("request-created.json", body);
        var answer = JsonNode.Parse(body)!.AsArray();
        Assert.Single(answer);
        Assert.True(Guid.TryParse(answer[0]!["service_request_id"].Str(), out _), body);
        return answer[0]!["service_request_id"].Str();
    }

    /// <summary>Asserts an Open311 error: the HTTP status, and in the body an array of one {code, description} with the same code.</summary>
    public static void AssertError(int expected, (int Status, string Body) answer, string format, string? descriptionContains = null)
    {
        Assert.True(answer.Status == expected, $"expected {expected}, got {answer.Status}: {answer.Body}");
        string description;
        if (format == "xml")
        {
            var root = XDocument.Parse(answer.Body).Root!;
            Assert.Equal("errors", root.Name.LocalName);
            var error = Assert.Single(root.Elements());
            Assert.Equal("error", error.Name.LocalName);
            Assert.Equal(new[] { "code", "description" }, error.Elements().Select(e => e.Name.LocalName));
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Element("code")!.Value);
            description = error.Element("description")!.Value;
        }
        else
        {
            Open311Schemas.AssertValid("errors.json", answer.Body);
            var errors = JsonNode.Parse(answer.Body)!.AsArray();
            var error = Assert.Single(errors)!.AsObject();
            Assert.Equal(new[] { "code", "description" }, error.Select(p => p.Key));
            Assert.Equal(expected, error["code"]!.GetValue<int>());
            description = error["description"].Str();
        }
        Assert.False(string.IsNullOrWhiteSpace(description));
        if (descriptionContains is not null)
        {
            Assert.Contains(descriptionContains, description);
        }
    }
}

/// <summary>
/// The JSON Schemas every JSON answer of an Open311 test is checked against, date-time and uri formats included:
/// always the repository's own (Open311/Schemas, copied beside the test binaries), and also the Open311 project's
/// published ones when <see cref="FolderVariable"/> names them. A clone checks its answers on its own; nothing outside
/// the repository is looked for unless asked.
/// </summary>
internal static class Open311Schemas
{
    public const string FolderVariable = "GRIDACTORS_OPEN311_SCHEMAS";

    /// <summary>Where the repository's schemas are copied with the build (GridActors.Tests.csproj).</summary>
    public static string OwnFolder => Path.Combine(AppContext.BaseDirectory, "Open311", "Schemas");

    private static readonly Lazy<IReadOnlyList<Open311SchemaSet>> Sets =
        new(() => For(Environment.GetEnvironmentVariable(FolderVariable)));

    /// <summary>The sets a test run checks against: the repository's, then the published ones when found.</summary>
    public static IReadOnlyList<Open311SchemaSet> Checked => Sets.Value;

    internal static IReadOnlyList<Open311SchemaSet> For(string? configured) =>
        OfficialFolder(configured) is { } official ? [new(OwnFolder), new(official)] : [new(OwnFolder)];

    public static void AssertValid(string schema, string json) => AssertValid(Sets.Value, schema, json);

    /// <summary>
    /// Valid against <paramref name="schema"/> of every set that has it. The repository's set must have it: a name
    /// only the published set knows would leave a fresh clone unchecked.
    /// </summary>
    internal static void AssertValid(IReadOnlyList<Open311SchemaSet> sets, string schema, string json)
    {
        Assert.True(sets[0].Has(schema), $"no schema {schema} in {sets[0].Folder}");
        using var document = JsonDocument.Parse(json);
        foreach (var set in sets.Where(s => s.Has(schema)))
        {
            var results = set.Evaluate(schema, document.RootElement);
            Assert.True(results.IsValid, $"not valid against {Path.Combine(set.Folder, schema)}: {JsonSerializer.Serialize(results)}\n{json}");
        }
    }

    /// <summary>
    /// The folder of the published GeoReport v2 schemas: <paramref name="configured"/> (the open311-schemas folder or
    /// its georeport-v2 folder) when set, else none (the repository's schemas alone are checked). Set but wrong is an
    /// error naming the places looked at: whoever set it meant those schemas to be checked.
    /// </summary>
    internal static string? OfficialFolder(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }
        var looked = new List<string>();
        foreach (var candidate in new[] { Path.Combine(configured, "georeport-v2"), configured })
        {
            looked.Add(Path.GetFullPath(candidate));
            if (File.Exists(Path.Combine(candidate, "requests.json")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"{FolderVariable} is {configured}, but no Open311 GeoReport v2 schemas (requests.json) are in "
            + string.Join(" or ", looked));
    }
}

/// <summary>The JSON Schemas of one folder, by file name; a schema may refer to a sibling ("$ref": "request.json").</summary>
internal sealed class Open311SchemaSet
{
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public Open311SchemaSet(string folder)
    {
        Folder = folder;
        var files = Directory.GetFiles(folder, "*.json");
        if (files.Length == 0)
        {
            throw new InvalidOperationException($"no JSON Schemas in {folder}");
        }
        // A registry per folder, so two sets with the same file names never resolve into each other. Schemas that
        // refer to none come first: a list's "$ref" to its item is resolved when the list is built.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        foreach (var file in files.OrderBy(f => File.ReadAllText(f).Contains("\"$ref\"", StringComparison.Ordinal)).ThenBy(f => f, StringComparer.Ordinal))
        {
            _schemas[Path.GetFileName(file)] = JsonSchema.FromFile(file, options);
        }
    }

    public string Folder { get; }

    public IEnumerable<string> Names => _schemas.Keys;

    public bool Has(string name) => _schemas.ContainsKey(name);

    public EvaluationResults Evaluate(string name, JsonElement json) =>
        _schemas[name].Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
}
