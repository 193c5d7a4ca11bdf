using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;
using Xunit.Abstractions;

namespace GridActors.Tests.Access;

/// <summary>
/// Two counties, each with a grid, a member and an issue, and a key of every role in each, to walk every operation of
/// the OpenAPI document as an attacker with an ordinary key would.
/// </summary>
public sealed class WalkFixture : IAsyncLifetime
{
    public static readonly string[] RoleNames = ["reader", "reporter", "handler", "manager", "admin"];

    /// <summary>County B: 潜山市, beside <see cref="County"/> (county A).</summary>
    public const string CountyB = "340823";
    public const string GridB = "340823100201001";

    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Admin { get; private set; } = null!;
    public JsonObject Document { get; private set; } = null!;

    /// <summary>role → (key of county A, key of county B).</summary>
    public Dictionary<string, (string A, string B)> Keys { get; } = [];

    /// <summary>A key of county A with every role but admin: what a busy county app would hold.</summary>
    public string AllRolesA { get; private set; } = "";

    public string MemberA { get; private set; } = "";
    public string MemberB { get; private set; } = "";
    public string IssueA { get; private set; } = "";
    public string IssueB { get; private set; } = "";
    public string TaskA { get; private set; } = "";
    public string KeyIdA { get; private set; } = "";
    public string StaffA { get; private set; } = "";
    public string WebhookA { get; private set; } = "";

    /// <summary>A household and a grid worker of county B's grid: named in a body sent to county A's grid, they do not exist there.</summary>
    public string HouseholdB { get; private set; } = "";
    public string WorkerB { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        await County.Create(Admin);
        foreach (var (path, json) in new[]
                 {
                     ($"/api/v1/counties/{CountyB}", """{"name":"潜山市"}"""), ("/api/v1/townships/340823100", """{"name":"梅城镇"}"""),
                     ("/api/v1/villages/340823100201", """{"name":"河西村","kind":"village"}"""), ($"/api/v1/grids/{GridB}", """{"name":"河西网格"}"""),
                 })
        {
            Assert.True((await Admin.PutJson(path, json)).IsSuccessStatusCode, path);
        }
        foreach (var role in RoleNames)
        {
            Keys[role] = (await CreateKey(role, County.Code), await CreateKey(role, CountyB));
        }
        AllRolesA = await CreateKey("reader\",\"reporter\",\"handler\",\"manager", County.Code);
        KeyIdA = (await CreateKey("reader", County.Code)).Split('.')[1];
        StaffA = "walk-staff-a";
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostJson("/api/v1/staff",
            $$"""{"username":"{{StaffA}}","displayName":"甲县工作人员","password":"walk-password-1","jurisdiction":"{{County.Code}}","roles":["reader"]}""")).StatusCode);
        MemberA = await PartyApi.CreateMember(Admin, County.Grid, "甲县党员");
        MemberB = await PartyApi.CreateMember(Admin, GridB, "乙县党员");
        IssueA = await IssueApi.Report(Admin, County.Grid);
        IssueB = await IssueApi.Report(Admin, GridB);
        HouseholdB = (await PartyApi.Created(await Admin.PostJson($"/api/v1/grids/{GridB}/households",
            MaskingWalkFixture.HouseholdJson("乙县户主", "河西组1号", "无", "无", central: false))))["id"].Str();
        WorkerB = (await PartyApi.Created(await Admin.PostJson($"/api/v1/grids/{GridB}/workers",
            """{"kind":"partTime","name":"乙县网格员","phone":"13800000002"}""")))["id"].Str();
        await PartyApi.SetUpGroup(Admin, County.Grid, MemberA);
        var task = await PartyApi.Created(await Admin.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"清理河道垃圾","due":"2026-03-20","groups":["{{County.Grid}}"],"by":"村党支部"}"""));
        TaskA = task["id"].Str();
        WebhookA = (await PartyApi.Created(await Admin.PostJson("/api/v1/webhooks",
            $$"""{"unit":"{{County.Grid2}}","url":"https://203.0.113.9/hook","events":["overdue"]}""")))["id"].Str();
        Document = (await Admin.GetJson("/openapi/v1.json")).AsObject();
    }

    public async Task<string> CreateKey(string roles, string jurisdiction)
    {
        var response = await Admin.PostJson("/api/v1/keys", $$"""{"app":"walk-app","jurisdiction":"{{jurisdiction}}","roles":["{{roles}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    /// <summary>Every operation of the document: method, path template, and the operation object.</summary>
    public IEnumerable<(HttpMethod Method, string Template, JsonObject Operation)> Operations() =>
        from path in Document["paths"]!.AsObject()
        from op in path.Value!.AsObject()
        where op.Key is "get" or "post" or "put" or "delete" or "patch"
        select (new HttpMethod(op.Key.ToUpperInvariant()), path.Key, op.Value!.AsObject());

    /// <summary>The path with every parameter filled with a record of county A (or, for Open311, a value it answers).</summary>
    public string FillA(string template, JsonObject operation)
    {
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var start = segment.IndexOf('{');
            if (start < 0)
            {
                continue;
            }
            var name = segment[(start + 1)..segment.IndexOf('}')];
            var before = i > 0 ? segments[i - 1] : "";
            var value = (name, before) switch
            {
                ("code", "provinces") => County.Code[..2],
                ("code", "cities") => County.Code[..4],
                ("code", "counties") => County.Code,
                ("code", "townships") => County.Township,
                ("code", "villages") => County.Village,
                ("code", "grids" or "groups") => County.Grid,
                ("categoryCode", _) => "neighbour-dispute",
                ("id", "issues") => IssueA,
                ("id", "members") => MemberA,
                ("id", "party-tasks") => TaskA,
                ("id", "keys") => KeyIdA,
                ("id", "webhooks") => WebhookA,
                ("username", "staff") => StaffA,
                ("id", "households" or "pairings" or "workers" or "visits") => Guid.NewGuid().ToString(),
                ("n", "findings") => "1",
                ("memberId", _) => MemberA,
                ("objectionId", _) => Guid.NewGuid().ToString(),
                ("fileId", _) => Guid.NewGuid().ToString(),
                ("id", "uploads") => Guid.NewGuid().ToString(),
                ("id", "issue-files") => IssueA,
                ("year", _) => "2026",
                ("sessionId", _) => "s1",
                ("format", _) => "json",
                ("service_code", _) => "neighbour-dispute",
                ("service_request_id" or "token", _) => IssueA,
                _ => throw new InvalidOperationException($"{template}: no value known for {{{name}}} after '{before}': add one here"),
            };
            segments[i] = segment[..start] + value + segment[(segment.IndexOf('}') + 1)..];
        }
        var query = RequiredQuery(operation);
        return string.Join('/', segments) + (query.Length > 0 ? "?" + query : "");
    }

    private static string RequiredQuery(JsonObject operation) => string.Join('&',
        (operation["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject())
        .Where(p => p["in"]?.GetValue<string>() == "query" && p["required"]?.GetValue<bool>() == true)
        .Select(p => p["name"]!.GetValue<string>() switch
        {
            "county" => $"county={County.Code}",
            "date" => "date=2026-03-02",
            var other => throw new InvalidOperationException($"no value known for the required query parameter {other}: add one here"),
        }));

    public HttpRequestMessage Request(HttpMethod method, string url, string? key, string? json = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new StringContent(json ?? "{}", Encoding.UTF8, "application/json");
        }
        return request;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Access is decided on the endpoint a request matched, so the letter case of its path changes nothing.</summary>
public sealed class OperationCaseTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    private HttpClient Client => fixture.App.ClientWith(null);

    /// <summary>The path with its literal segments in another case; parameter values (ids, codes) stay as they are.</summary>
    private static string Variant(string template, string filled, Func<string, string> change)
    {
        var templateSegments = template.Split('/');
        var path = filled.Split('?')[0].Split('/');
        for (var i = 0; i < path.Length; i++)
        {
            if (!templateSegments[i].Contains('{'))
            {
                path[i] = change(path[i]);
            }
        }
        return string.Join('/', path) + (filled.Contains('?') ? "?" + filled.Split('?', 2)[1] : "");
    }

    private static string Mixed(string s) => new(s.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());

    [Fact]
    public async Task EveryOperation_InAnyLetterCase_GetsTheAnswerOfItsCanonicalPath_ForEveryRole()
    {
        var sent = 0;
        var mismatches = new List<string>();
        var keys = new List<(string Name, string? Key)> { ("anonymous", null) };
        keys.AddRange(WalkFixture.RoleNames.Select(r => (r, (string?)fixture.Keys[r].A)));
        keys.AddRange(WalkFixture.RoleNames.Select(r => (r + "@B", (string?)fixture.Keys[r].B)));
        foreach (var (method, template, operation) in fixture.Operations())
        {
            var url = fixture.FillA(template, operation);
            foreach (var (name, key) in keys)
            {
                var variants = new[] { Variant(template, url, s => s.ToUpperInvariant()), Variant(template, url, s => s.ToLowerInvariant()), Variant(template, url, Mixed) }
                    .Where(v => v != url).Distinct().ToArray();
                // Variants first: a variant that slipped past a check would change what the canonical request then sees.
                var answers = new List<(string Url, int Status)>();
                foreach (var variant in variants.Append(url))
                {
                    var response = await Client.SendAsync(fixture.Request(method, variant, key));
                    sent++;
                    answers.Add((variant, (int)response.StatusCode));
                }
                var canonical = answers[^1].Status;
                foreach (var (variant, status) in answers.SkipLast(1))
                {
                    // A read answers the same; a write may find what an earlier variant did (a 404 after a delete), but
                    // is refused by role exactly when the canonical path is, and a key of county B never gets through.
                    var same = method == HttpMethod.Get ? status == canonical
                        : (status is 401 or 403) == (canonical is 401 or 403) && !(name.EndsWith("@B") && status < 300 && canonical >= 400);
                    if (!same)
                    {
                        mismatches.Add($"{method} {variant} as {name}: {status}, but {canonical} for {url}");
                    }
                }
            }
        }
        output.WriteLine($"sent {sent} requests over {fixture.Operations().Count()} operations and {keys.Count} callers");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

}

/// <summary>
/// Access walks every operation of the OpenAPI document, so a route added tomorrow is covered without anyone listing it:
/// the same answer whatever the letter case of the path; nothing of one county reachable with another county's keys;
/// every record a body names checked against the caller's jurisdiction.
/// </summary>
public sealed class OperationWalkTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    private HttpClient Client => fixture.App.ClientWith(null);

    [Fact]
    public async Task NoKeyOfCountyB_ReachesAnythingOfCountyA_ThroughAnyOperation()
    {
        var sent = 0;
        var leaks = new List<string>();
        var before = await Snapshot();
        string[] markers = [County.Code, fixture.MemberA, fixture.IssueA, fixture.TaskA, fixture.KeyIdA, fixture.StaffA];
        foreach (var (method, template, operation) in fixture.Operations().Where(o => IsKeyed(o.Operation)))
        {
            var url = fixture.FillA(template, operation);
            foreach (var role in WalkFixture.RoleNames)
            {
                var response = await Client.SendAsync(fixture.Request(method, url, fixture.Keys[role].B));
                sent++;
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                // Refused, or answered with nothing of county A in it (a list of the caller's own keys, the service tags).
                if (status is >= 200 and < 300 && markers.FirstOrDefault(body.Contains) is { } marker)
                {
                    leaks.Add($"{method} {url} as {role} of county B: {status} naming {marker}: {body[..Math.Min(body.Length, 300)]}");
                }
                if (status >= 500)
                {
                    leaks.Add($"{method} {url} as {role} of county B: {status}");
                }
            }
        }
        output.WriteLine($"sent {sent} requests with keys of county B");
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task EveryRecordABodyNames_IsCheckedAgainstTheCallersJurisdiction()
    {
        var sent = 0;
        var failures = new List<string>();
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();
        var fields = 0;
        foreach (var (method, template, operation) in fixture.Operations().Where(o => IsKeyed(o.Operation)))
        {
            var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
            if (schema is null)
            {
                continue;
            }
            foreach (var (path, kind) in References(schema, schemas, []))
            {
                fields++;
                var url = fixture.FillA(template, operation);
                var foreign = kind switch
                {
                    "unit" => WalkFixture.GridB, "member" => fixture.MemberB, "issue" => fixture.IssueB,
                    "household" => fixture.HouseholdB, "gridWorker" => fixture.WorkerB,
                    _ => throw new InvalidOperationException(kind),
                };
                var madeUp = Guid.NewGuid().ToString();
                var response = await Client.SendAsync(fixture.Request(method, url, fixture.AllRolesA, Body(path, foreign)));
                var made = await Client.SendAsync(fixture.Request(method, url, fixture.AllRolesA, Body(path, madeUp)));
                sent += 2;
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                var expected = kind == "unit" ? 403 : 404;
                if (status != expected)
                {
                    failures.Add($"{method} {url} with {string.Join('.', path)} of county B: {status}, expected {expected}: {text}");
                    continue;
                }
                // The same answer as for a record that does not exist: nothing said about county B.
                var madeText = await made.Content.ReadAsStringAsync();
                if (kind != "unit" && ((int)made.StatusCode != status || Detail(text).Replace(foreign, "X") != Detail(madeText).Replace(madeUp, "X")))
                {
                    failures.Add($"{method} {url} with {string.Join('.', path)}: answered '{Detail(text)}' for county B's record but '{Detail(madeText)}' for a made-up one");
                }
            }
        }
        output.WriteLine($"sent {sent} requests for {fields} referencing fields");
        Assert.True(fields >= 10, $"only {fields} referencing fields found in the document");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void EveryBodyFieldNamedLikeAReference_IsMarkedInTheDocument()
    {
        // Fields whose names say they name another record, yet are checked otherwise (and why).
        string[] exempt =
        [
            "PairingInput.householdId",    // a household of the grid in the path: looked up in that grid only
            "EvidenceLinkInput.id",        // a record of the grid the link names, which is checked
            "CommitmentItemInput.to",      // to whom a commitment is made: an audience (群众, 党员, ...), not a record
            "ReplayInput.to",              // the end of a webhook replay's time range
            "DeadlinesInput.grid",         // the deadline at the grid level: a duration
            "MeetingInput.attendees",      // people at a branch meeting, by name
            "AttachUploadInput.uploadId",  // a resumable upload, looked up in the file store (not a grain's record)
        ];
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();
        var unmarked = new List<string>();
        foreach (var (name, schema) in schemas)
        {
            foreach (var (property, value) in schema!["properties"]?.AsObject() ?? [])
            {
                var looksLikeReference = property.EndsWith("Id", StringComparison.Ordinal) || property is "grid" or "toGrid" or "of" or "to" or "groups" or "attendees" or "leaderId" or "issueId";
                if (looksLikeReference && !exempt.Contains($"{name}.{property}") && value?["x-gridactors-reference"] is null && IsRequestSchema(name))
                {
                    unmarked.Add($"{name}.{property}");
                }
            }
        }
        Assert.True(unmarked.Count == 0, "request fields that name a record without a References attribute: " + string.Join(", ", unmarked));
    }

    private static bool IsRequestSchema(string name) => name.EndsWith("Input", StringComparison.Ordinal);

    private static string Detail(string problem) => JsonNode.Parse(problem)?["detail"]?.GetValue<string>() ?? problem;

    /// <summary>Operations that need a key (Open311, the public boards, health and documents are public by design).</summary>
    private static bool IsKeyed(JsonObject operation) => operation["x-gridactors-access"]?.GetValue<string>() != "anyone";

    /// <summary>The paths (property names; "[]" for an array item) of every field marked as a reference.</summary>
    private static IEnumerable<(string[] Path, string Kind)> References(JsonNode schema, JsonObject schemas, string[] at)
    {
        if (at.Length > 6)
        {
            yield break;
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = schemas[reference.Split('/')[^1]]!;
        }
        if (schema["x-gridactors-reference"]?.GetValue<string>() is { } kind)
        {
            // A list of references is marked on the list.
            yield return (schema["items"] is not null ? [.. at, "[]"] : at, kind);
            yield break;
        }
        if (schema["items"] is { } items)
        {
            foreach (var found in References(items, schemas, [.. at, "[]"]))
            {
                yield return found;
            }
        }
        foreach (var alternative in (schema["anyOf"]?.AsArray() ?? []).Concat(schema["oneOf"]?.AsArray() ?? []))
        {
            foreach (var found in References(alternative!, schemas, at))
            {
                yield return found;
            }
        }
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            foreach (var found in References(property!, schemas, [.. at, name]))
            {
                yield return found;
            }
        }
    }

    /// <summary>A body with only the value at <paramref name="path"/> (arrays of one).</summary>
    private static string Body(string[] path, string value)
    {
        JsonNode node = JsonValue.Create(value);
        foreach (var step in path.Reverse())
        {
            node = step == "[]" ? new JsonArray(node) : new JsonObject { [step] = node };
        }
        return node.ToJsonString();
    }

    /// <summary>What county A holds, read with the bootstrap key: a write refused to county B's keys changes none of it.</summary>
    private async Task<string> Snapshot()
    {
        var parts = new List<string>();
        foreach (var url in new[]
                 {
                     $"/api/v1/counties/{County.Code}/tree", $"/api/v1/grids/{County.Grid}", $"/api/v1/issues/{fixture.IssueA}",
                     $"/api/v1/members/{fixture.MemberA}", $"/api/v1/grids/{County.Grid}/members", $"/api/v1/party-tasks/{fixture.TaskA}",
                     $"/api/v1/grids/{County.Grid}/party-group", $"/api/v1/counties/{County.Code}/categories", "/api/v1/keys?limit=200",
                 })
        {
            var response = await fixture.Admin.GetAsync(url);
            parts.Add($"{url} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return string.Join('\n', parts);
    }
}
