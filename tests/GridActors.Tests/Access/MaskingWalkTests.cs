using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;
using Xunit.Abstractions;

namespace GridActors.Tests.Access;

/// <summary>
/// A county with everything that carries personal data: a member, a central Party member home serving a neighbour,
/// both with needs (so both are in the pairing suggestions), an issue with a reporter, a grid leader and a grid worker
/// standing alone (their phone is the only record of it) with a survey visit that found something, and a key of every role.
/// </summary>
public sealed class MaskingWalkFixture : IAsyncLifetime
{
    public const string HomeHead = "张三";
    public const string NeighbourHead = "李四";
    public const string Phone = "13800000000";
    public const string MemberPhone = "13955600001";
    public const string MemberBirthDate = "1968-05-01";

    /// <summary>Every personal value this county holds: a handler or manager must see exactly these; nobody else ever sees one.</summary>
    public static readonly string[] RealValues =
        [HomeHead, NeighbourHead, "董屋组1号", "董屋组2号", Phone, MemberPhone, MemberBirthDate, "腿脚不便需陪诊", "独居老人", "低保户", "三人务农"];

    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Admin { get; private set; } = null!;
    public JsonNode Document { get; private set; } = null!;
    public Dictionary<string, (string KeyId, HttpClient Client)> Keys { get; } = [];
    public string Member { get; private set; } = "";
    public string Home { get; private set; } = "";
    public string Neighbour { get; private set; } = "";
    public string Issue { get; private set; } = "";
    public string Visit { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        await County.Create(Admin);
        Member = await PartyApi.CreateMember(Admin, County.Grid, "董建国");
        await PartyApi.SetUpGroup(Admin, County.Grid, Member);
        Neighbour = await Household(NeighbourHead, "董屋组2号", "腿脚不便需陪诊", "独居老人", central: false);
        Home = await Household(HomeHead, "董屋组1号", "三人务农", "低保户", central: true, Neighbour);
        Issue = await IssueApi.Report(Admin, County.Grid);
        Assert.True((await Admin.PutJson($"/api/v1/grids/{County.Grid}/leader", $$"""{"name":"王网格","phone":"{{Phone}}"}""")).IsSuccessStatusCode);
        var worker = (await PartyApi.Created(await Admin.PostJson($"/api/v1/grids/{County.Grid}/workers",
            $$"""{"kind":"fullTime","name":"陈网格","phone":"{{Phone}}"}""")))["id"].Str();
        Visit = (await PartyApi.Created(await Admin.PostJson($"/api/v1/grids/{County.Grid}/visits",
            $$"""{"workerId":"{{worker}}","place":"村口小桥","findings":["桥栏杆松动"]}""")))["id"].Str();
        foreach (var role in new[] { "reader", "reporter", "handler", "manager", "admin" })
        {
            var response = await Admin.PostJson("/api/v1/keys", $$"""{"app":"walk-{{role}}","jurisdiction":"{{County.Code}}","roles":["{{role}}"]}""");
            var secret = (await PartyApi.Created(response))["secret"].Str();
            Keys[role] = (secret.Split('.')[1], App.ClientWith(secret));
        }
        Document = await Admin.GetJson("/openapi/v1.json");
    }

    public static string HouseholdJson(string head, string address, string needsNote, string vulnerability, bool central, params string[] served) =>
        JsonSerializer.Serialize(new
        {
            head,
            address,
            phone = Phone,
            size = 3,
            needs = new[] { "陪诊" },
            needsNote,
            vulnerable = true,
            vulnerability,
            memberIds = central ? new[] { "MEMBER" } : [],
            partyMemberHome = central,
            central,
            servedHouseholds = served,
        });

    private async Task<string> Household(string head, string address, string needsNote, string vulnerability, bool central, params string[] served)
    {
        var json = HouseholdJson(head, address, needsNote, vulnerability, central, served).Replace("MEMBER", Member, StringComparison.Ordinal);
        return (await PartyApi.Created(await Admin.PostJson($"/api/v1/grids/{County.Grid}/households", json)))["id"].Str();
    }

    /// <summary>Today in China, the day the audit log files reads under.</summary>
    public string AuditDay => DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime.AddHours(8)).ToString("yyyy-MM-dd");

    public async Task<int> AuditTotal() => (await Admin.GetJson($"/api/v1/audit?county={County.Code}&date={AuditDay}"))["total"]!.GetValue<int>();

    public async Task<JsonArray> AuditSince(int offset) =>
        (await Admin.GetJson($"/api/v1/audit?county={County.Code}&date={AuditDay}&cursor={offset}&limit=200"))["items"]!.AsArray();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Walks the OpenAPI document: every answer whose schema holds personal data must be masked for readers, reporters and
/// admins, shown to handlers and managers of the unit, and every unmasked read audited. A new route that answers with
/// personal data fails <see cref="EveryGetAnswerWithPersonalData_IsMaskedOrShownAndAudited_ForEveryRole"/> until it is
/// called here; a new personal-looking field fails <see cref="EveryPersonalLookingField_IsClassified"/> until it is
/// classified below.
/// </summary>
public sealed partial class MaskingWalkTests(MaskingWalkFixture fixture, ITestOutputHelper output) : IClassFixture<MaskingWalkFixture>
{
    /// <summary>
    /// Personal data (个人信息), as docs/permissions.md lists it: a member's phone and birth date; a household's head,
    /// address, phone, needs note and vulnerability (wherever a household appears: its own record, a Party member home
    /// and the households it serves, a pairing suggestion); an issue's reporter (name and phone); a grid leader's or
    /// worker's phone. Keyed "Schema.property".
    /// </summary>
    private static readonly ImmutableHashSet<string> Personal =
    [
        "MemberResponse.phone", "MemberResponse.birthDate",
        "NotificationResponse.address",
        "HouseholdResponse.head", "HouseholdResponse.address", "HouseholdResponse.phone", "HouseholdResponse.needsNote", "HouseholdResponse.vulnerability",
        "PartyMemberHomeResponse.head", "PartyMemberHomeResponse.address",
        "ServedHousehold.head", "ServedHousehold.address",
        "HouseholdSuggestionResponse.head",
        "IssueResponse.reporter", "Reporter.name", "Reporter.phone",
        "GridPersonResponse.phone",
    ];

    /// <summary>Fields whose names look personal but that are not, with the reason. A new one must be added here or to <see cref="Personal"/>.</summary>
    private static readonly ImmutableDictionary<string, string> NotPersonal = new Dictionary<string, string>
    {
        // 亮身份: Party members show who they are; their names are on the public 三亮 board and the Party member home plaques.
        ["MemberResponse.name"] = "a Party member's name is public (亮身份)",
        ["NotificationResponse.name"] = "a grid leader's, grid worker's or staff member's name is public; a reporter's is masked with the address (NotificationTests)",
        ["NotificationSettingsResponse.email"] = "the caller's own contact, answered only to the caller itself",
        ["NotificationSettingsResponse.phone"] = "the caller's own contact, answered only to the caller itself",
        ["Actor.name"] = "who took a step of an issue: the calling app's name, or a staff member's at work, not a resident's",
        ["IssueResponse.reporterAnswers"] = "the reporter's rating and comment on a resolution, kept like a handler's note: no name or phone",
        ["ResolutionStatsResponse.reporterAnswers"] = "a count of reporters' answers",
        ["ResolutionStatsResponse.reopenedByReporter"] = "a count of issues reopened at their reporter's word",
        ["StaffAccountInfo.displayName"] = "a staff member's name at work, shown only to admins of the jurisdiction",
        ["StaffAccountInfo.username"] = "a staff member's sign-in name, shown only to admins of the jurisdiction",
        ["RosterEntry.name"] = "a Party member's name is public (亮身份)",
        ["HomeMember.name"] = "a Party member's name is public (亮身份)",
        ["SuggestedMember.name"] = "a Party member's name is public (亮身份)",
        ["PostHolder.name"] = "a Party member's name is public (亮身份)",
        ["PairingResponse.memberName"] = "a Party member's name is public (亮身份)",
        ["TaskPart.memberName"] = "a Party member's name is public (亮身份)",
        ["LeaderResponse.name"] = "a Party group leader's name is public (亮身份)",
        ["MeetingAttendee.name"] = "a Party member's name is public (亮身份)",
        ["NonVotingAttendee.name"] = "a Party member's name is public (亮身份)",
        ["LeaderAttendance.leaderName"] = "a Party group leader's name is public (亮身份)",
        // 网格长 and 网格员 are named on the grid's board (their phones are masked: a worker standing alone may give a private one).
        ["GridPersonResponse.name"] = "a grid leader's or worker's name is on the grid's board",
        ["SurveyVisitResponse.workerName"] = "the grid worker who visited, named on the grid's board",
        // Office holders: their work contact is posted on the grid's and village's notice boards.
        ["ContactResponse.name"] = "a unit leader's work contact (网格长 on the grid's notice board)",
        ["ContactResponse.phone"] = "a unit leader's work contact (网格长 on the grid's notice board)",
        ["Instructor.name"] = "an instructor is a township or village cadre; a work contact",
        ["Instructor.phone"] = "an instructor is a township or village cadre; a work contact",
        // Elected cadres: name and birth date are published with the election (村务公开) and the filing.
        ["CadreResponse.name"] = "an elected cadre, published with the election",
        ["CadreResponse.birthDate"] = "an elected cadre's age is published with the election",
        ["CadreLink.name"] = "an elected cadre, published with the election",
        ["StarBoardRow.name"] = "a Party group or member on the star board, published with the rating (公示)",
        ["SecretaryResponse.name"] = "an elected branch secretary, published with the election",
        ["FilingResponse.secretaryBirthDate"] = "an elected branch secretary's age is filed and published",
        ["AttendeeResponse.name"] = "a cadre attending the county's training",
        ["CommitmentView.ownerName"] = "a Party group or member whose commitments are made public (亮承诺)",
        ["StarsResponse.name"] = "a Party group or member whose stars are published (公示)",
        // A rubric's criteria and the numbers they read.
        ["StarCriterion.name"] = "a criterion of the county's star rubric",
        ["CriterionResult.name"] = "a criterion of the county's star rubric",
        ["StarInput.name"] = "a number a criterion read (visits, post work)",
        // Places and things, not people.
        ["ActivityCenter.name"] = "a Party group's meeting place",
        ["ActivityCenter.address"] = "a Party group's meeting place, announced to its members",
        ["IssueLocation.address"] = "where the problem is (a road, a ditch), shown on the public Open311 list too",
        ["Open311Request.address"] = "where the problem is; Open311 never carries the reporter",
        ["Open311Request.address_id"] = "an id of a place",
        ["Open311Request.service_name"] = "a category",
        ["Open311Service.service_name"] = "a category",
        ["Open311AttributeValue.name"] = "a category attribute",
        ["Open311Discovery.contact"] = "the county's service contact",
        ["CategoryResponse.name"] = "a category",
        ["ChildResponse.name"] = "a unit",
        ["UnitResponse.name"] = "a unit",
        ["MapGridResponse.name"] = "a grid, on its unit's map",
        ["UnitTreeResponse.name"] = "a unit",
        ["ComplianceRow.gridName"] = "a unit",
        ["GridPostCoverage.gridName"] = "a unit",
        // The flag drives the pairing order and the counts of 困难群众; what the vulnerability is stays masked.
        ["HouseholdResponse.vulnerable"] = "a yes/no flag; the vulnerability itself is masked",
        ["HouseholdSuggestionResponse.vulnerable"] = "a yes/no flag; the vulnerability itself is masked",
    }.ToImmutableDictionary();

    /// <summary>Property names that may hold personal data; every field so named must be classified above.</summary>
    [GeneratedRegex("name|phone|mobile|address|birth|^head$|reporter|idcard|idnumber|email|vulnerab|needsnote|contact", RegexOptions.IgnoreCase)]
    private static partial Regex PersonalLooking();

    /// <summary>
    /// GET answers with no schema in the document: the walk cannot see into them, so each was read by hand. Stars and
    /// commitments carry members' names (public) and objections' authors (by); the public board carries no personal data.
    /// </summary>
    private static readonly ImmutableHashSet<string> SchemaLess =
    [
        "GET /api/v1/grids/{code}/party-group/commitments/{year}", "GET /api/v1/members/{id}/commitments/{year}",
        "GET /api/v1/grids/{code}/party-group/stars", "GET /api/v1/members/{id}/stars",
        "GET /public/v1/villages/{code}/three-shows",
        // Evidence files are bytes, read within the issue's jurisdiction and audited (EvidenceFilesTests).
        "GET /api/v1/issues/{id}/files/{fileId}", "GET /api/v1/issues/{id}/files/{fileId}/thumbnail",
        "GET /public/v1/issue-files/{id}/{fileId}",
    ];

    private static readonly string[] Masked = ["reader", "reporter", "admin"];
    private static readonly string[] Shown = ["handler", "manager"];

    /// <summary>A personal field met in an answer: where (Schema.property) and the path to its values in the JSON.</summary>
    private sealed record Field(string Key, string Path);

    private sealed record Operation(string Name, IReadOnlyList<Field> Personal, bool HasSchema);

    private int _requests;

    [Fact]
    public void EveryPersonalLookingField_IsClassified()
    {
        var unclassified = Operations().SelectMany(o => Fields(o.Name))
            .Select(f => f.Key).Distinct().Where(k => !Personal.Contains(k) && !NotPersonal.ContainsKey(k)).Order().ToArray();
        Assert.True(unclassified.Length == 0, "classify as personal or not: " + string.Join(", ", unclassified));
        var gone = Personal.Concat(NotPersonal.Keys).Except(Operations().SelectMany(o => Fields(o.Name)).Select(f => f.Key)).ToArray();
        Assert.True(gone.Length == 0, "no longer in any answer: " + string.Join(", ", gone));
    }

    [Fact]
    public async Task EveryGetAnswerWithPersonalData_IsMaskedOrShownAndAudited_ForEveryRole()
    {
        var f = fixture;
        var calls = new Dictionary<string, string>
        {
            ["GET /api/v1/members/{id}"] = $"/api/v1/members/{f.Member}",
            ["GET /api/v1/grids/{code}/households"] = $"/api/v1/grids/{County.Grid}/households",
            ["GET /api/v1/grids/{code}/households/{id}"] = $"/api/v1/grids/{County.Grid}/households/{f.Home}",
            ["GET /api/v1/villages/{code}/party-member-homes"] = $"/api/v1/villages/{County.Village}/party-member-homes",
            ["GET /api/v1/grids/{code}/pairing-suggestions"] = $"/api/v1/grids/{County.Grid}/pairing-suggestions",
            ["GET /api/v1/issues/{id}"] = $"/api/v1/issues/{f.Issue}",
            // The reporter's "received" SMS (failed: the walk's gateway has no SMS provider) carries the reporter's number.
            ["GET /api/v1/issues/{id}/notifications"] = $"/api/v1/issues/{f.Issue}/notifications",
            ["GET /api/v1/grids/{code}/leader"] = $"/api/v1/grids/{County.Grid}/leader",
            ["GET /api/v1/grids/{code}/workers"] = $"/api/v1/grids/{County.Grid}/workers",
        };
        var gets = Operations().Where(o => o.Name.StartsWith("GET ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(SchemaLess.Order(), gets.Where(o => !o.HasSchema).Select(o => o.Name).Order());
        var personal = gets.Where(o => o.Personal.Count > 0).ToArray();
        // A new GET with personal data and no call here fails: the set found must be the set called.
        Assert.Equal(calls.Keys.Order(), personal.Select(o => o.Name).Order());

        foreach (var op in personal)
        {
            foreach (var role in Masked.Concat(Shown))
            {
                await Check(op, role, HttpMethod.Get, calls[op.Name], null, null);
            }
        }
        output.WriteLine($"{personal.Length} GET operations with personal data, {Masked.Length + Shown.Length} roles: {_requests} requests");
    }

    [Fact]
    public async Task EveryWriteAnswerWithPersonalData_GoesThroughTheSameRule()
    {
        var f = fixture;
        var member = await PartyApi.CreateMember(f.Admin, County.Grid, "汪移出");
        var issues = new Dictionary<string, string>();
        foreach (var name in new[] { "chain", "escalate", "reject", "duplicate" })
        {
            issues[name] = await IssueApi.Report(f.Admin, County.Grid);
        }
        string Etag(JsonNode node) => $"\"{node["version"]!.GetValue<long>()}\"";
        var household = f.Home;
        // In an order the issue lifecycle allows: each action on an issue in a state that accepts it.
        var calls = new List<(string Name, string Role, HttpMethod Method, string Url, Func<Task<string?>> Body, Func<Task<string?>>? IfMatch)>
        {
            ("POST /api/v1/members", "manager", HttpMethod.Post, "/api/v1/members", () => Task.FromResult<string?>(PartyApi.MemberJson(County.Grid, "董新")), null),
            ("PUT /api/v1/members/{id}", "manager", HttpMethod.Put, $"/api/v1/members/{member}", () => Task.FromResult<string?>(PartyApi.MemberJson(County.Grid, "汪移出")),
                async () => Etag(await f.Admin.GetJson($"/api/v1/members/{member}"))),
            ("PUT /api/v1/members/{id}/post", "manager", HttpMethod.Put, $"/api/v1/members/{member}/post",
                () => Task.FromResult<string?>("""{"post":"policyPromoter","recommendation":"self"}"""), null),
            ("DELETE /api/v1/members/{id}/post", "manager", HttpMethod.Delete, $"/api/v1/members/{member}/post?reason=换岗", () => Task.FromResult<string?>(null), null),
            ("POST /api/v1/members/{id}/transfer", "manager", HttpMethod.Post, $"/api/v1/members/{member}/transfer",
                () => Task.FromResult<string?>($$"""{"toGrid":"{{County.Grid2}}","reason":"搬迁"}"""), null),
            ("POST /api/v1/grids/{code}/households", "manager", HttpMethod.Post, $"/api/v1/grids/{County.Grid}/households",
                () => Task.FromResult<string?>(MaskingWalkFixture.HouseholdJson(MaskingWalkFixture.NeighbourHead, "董屋组2号", "腿脚不便需陪诊", "独居老人", central: false)), null),
            ("PUT /api/v1/grids/{code}/households/{id}", "manager", HttpMethod.Put, $"/api/v1/grids/{County.Grid}/households/{household}",
                () => Task.FromResult<string?>(MaskingWalkFixture.HouseholdJson(MaskingWalkFixture.HomeHead, "董屋组1号", "三人务农", "低保户", central: true, f.Neighbour)
                    .Replace("MEMBER", f.Member, StringComparison.Ordinal)),
                async () => Etag(await f.Admin.GetJson($"/api/v1/grids/{County.Grid}/households/{household}"))),
            // A reporter may report, and sees the reporter it sent masked like any reader.
            ("POST /api/v1/grids/{code}/issues", "reporter", HttpMethod.Post, $"/api/v1/grids/{County.Grid}/issues",
                () => Task.FromResult<string?>($$$"""{"category":"neighbour-dispute","title":"宅基地纠纷","reporter":{"name":"{{{MaskingWalkFixture.HomeHead}}}","phone":"{{{MaskingWalkFixture.Phone}}}"}}"""), null),
            Act("accept", issues["chain"], "{}"),
            Act("assign", issues["chain"], $$"""{"memberId":"{{f.Member}}"}"""),
            Act("resolve", issues["chain"], """{"note":"已调解"}"""),
            Act("close", issues["chain"], """{"satisfaction":5}"""),
            // The reporter's word on the closed issue: its answer shows the reporter masked, as to any reporter.
            ("POST /api/v1/issues/{id}/confirm", "reporter", HttpMethod.Post, $"/api/v1/issues/{issues["chain"]}/confirm",
                () => Task.FromResult<string?>("""{"settled":true,"satisfaction":4}"""), null),
            Act("reopen", issues["chain"], "{}"),
            Act("escalate", issues["escalate"], """{"note":"需村里协调"}"""),
            Act("hand-down", issues["escalate"], $$"""{"to":"{{County.Grid}}","note":"请网格处理"}"""),
            Act("reject", issues["reject"], "{}"),
            Act("duplicate", issues["duplicate"], $$"""{"of":"{{issues["chain"]}}"}"""),
            ("PUT /api/v1/grids/{code}/leader", "manager", HttpMethod.Put, $"/api/v1/grids/{County.Grid}/leader",
                () => Task.FromResult<string?>($$"""{"name":"王新长","phone":"{{MaskingWalkFixture.Phone}}"}"""), null),
            ("POST /api/v1/grids/{code}/workers", "manager", HttpMethod.Post, $"/api/v1/grids/{County.Grid}/workers",
                () => Task.FromResult<string?>($$"""{"kind":"partTime","name":"陈新员","phone":"{{MaskingWalkFixture.Phone}}"}"""), null),
            // A reporter may report a finding with the resident who raised it, and sees that reporter masked like any reader.
            ("POST /api/v1/grids/{code}/visits/{id}/findings/{n}/report", "reporter", HttpMethod.Post,
                $"/api/v1/grids/{County.Grid}/visits/{f.Visit}/findings/1/report",
                () => Task.FromResult<string?>($$$"""{"category":"neighbour-dispute","reporter":{"name":"{{{MaskingWalkFixture.HomeHead}}}","phone":"{{{MaskingWalkFixture.Phone}}}"}}"""), null),
        };

        var writes = Operations().Where(o => !o.Name.StartsWith("GET ", StringComparison.Ordinal) && o.Personal.Count > 0).Select(o => o.Name).Distinct().Order();
        Assert.Equal(calls.Select(c => c.Name).Distinct().Order(), writes);
        var byName = Operations().Where(o => o.Personal.Count > 0).GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var call in calls)
        {
            if (call.Url.EndsWith("/hand-down", StringComparison.Ordinal))
            {
                await IssueApi.WaitUntilHeldBy(f.Admin, issues["escalate"], County.Village);
            }
            var headers = call.IfMatch is null ? null : await call.IfMatch();
            await Check(byName[call.Name], call.Role, call.Method, call.Url, await call.Body(), headers);
        }
        output.WriteLine($"{calls.Count} write operations with personal data: {_requests} requests");

        static (string, string, HttpMethod, string, Func<Task<string?>>, Func<Task<string?>>?) Act(string action, string issue, string json) =>
            ($"POST /api/v1/issues/{{id}}/{action}", "handler", HttpMethod.Post, $"/api/v1/issues/{issue}/{action}", () => Task.FromResult<string?>(json), null);
    }

    /// <summary>Calls <paramref name="url"/> with the role's key and checks every personal value in the answer, and the audit log.</summary>
    private async Task Check(Operation op, string role, HttpMethod method, string url, string? json, string? ifMatch)
    {
        var (keyId, client) = fixture.Keys[role];
        var before = await fixture.AuditTotal();
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        var response = await client.SendAsync(request);
        _requests++;
        var text = await response.Content.ReadAsStringAsync();
        var where = $"{op.Name} as {role}";
        Assert.True(response.IsSuccessStatusCode, $"{where}: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        var shown = Shown.Contains(role);
        foreach (var field in op.Personal)
        {
            var values = Values(body, field.Path).Where(v => v is JsonValue).Select(v => v!.GetValue<string>()).ToArray();
            if (field.Key != "IssueResponse.reporter")
            {
                Assert.True(values.Length > 0, $"{where}: the county holds no value of {field.Key} ({field.Path}) to check");
            }
            foreach (var value in values)
            {
                if (shown)
                {
                    Assert.True(MaskingWalkFixture.RealValues.Contains(value), $"{where}: {field.Path} = {value}, expected the real value");
                }
                else
                {
                    Assert.False(MaskingWalkFixture.RealValues.Contains(value), $"{where}: {field.Path} = {value} is not masked");
                    Assert.True(MaskedForm().IsMatch(value), $"{where}: {field.Path} = {value} is not a masked value");
                }
            }
        }

        var items = body["items"] is JsonArray list ? list.Count : 1;
        var added = await fixture.AuditSince(before);
        if (shown)
        {
            // One entry per record shown whole (each household of a list, each home with the households it serves).
            Assert.True(added.Count == items, $"{where}: {added.Count} audit entries for {items} records shown");
            Assert.All(added, e => Assert.Equal(keyId, e!["keyId"].Str()));
        }
        else
        {
            Assert.True(added.Count == 0, $"{where}: a masked answer was audited");
        }
    }

    /// <summary><c>张*</c>, <c>138****0000</c>, <c>****</c>, <c>***</c>, <c>1968-**-**</c>.</summary>
    [GeneratedRegex(@"^(\p{L}\*{1,3}|\*|\d{3}\*{4}\d{4}|\*{3,4}|\d{4}-\*\*-\*\*)$")]
    private static partial Regex MaskedForm();

    private static IEnumerable<JsonNode?> Values(JsonNode? node, string path)
    {
        IEnumerable<JsonNode?> current = [node];
        foreach (var step in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = step.TrimEnd('[', ']');
            var many = step.EndsWith("[]", StringComparison.Ordinal);
            current = current.Where(n => n is JsonObject).Select(n => name.Length == 0 ? n : n![name]);
            if (many)
            {
                current = current.Where(n => n is JsonArray).SelectMany(n => n!.AsArray());
            }
        }
        return current.Where(n => n is not null);
    }

    private JsonObject Schemas => fixture.Document["components"]!["schemas"]!.AsObject();

    private IEnumerable<Operation> Operations()
    {
        foreach (var (path, item) in fixture.Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is not ("get" or "post" or "put" or "delete" or "patch"))
                {
                    continue;
                }
                var name = $"{method.ToUpperInvariant()} {path}";
                var found = new List<Field>();
                var hasSchema = false;
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    if (!status.StartsWith('2') || response?["content"] is not JsonObject content)
                    {
                        continue;
                    }
                    foreach (var (_, media) in content)
                    {
                        hasSchema |= media?["schema"] is not null;
                        Walk(media?["schema"], "(inline)", "", [], found);
                    }
                }
                yield return new Operation(name, found.Where(f => Personal.Contains(f.Key)).DistinctBy(f => f.Path).ToArray(), hasSchema);
            }
        }
    }

    private IEnumerable<Field> Fields(string operation)
    {
        var (method, path) = (operation.Split(' ')[0].ToLowerInvariant(), operation.Split(' ')[1]);
        var found = new List<Field>();
        foreach (var (status, response) in fixture.Document["paths"]![path]![method]!["responses"]!.AsObject())
        {
            if (status.StartsWith('2') && response?["content"] is JsonObject content)
            {
                foreach (var (_, media) in content)
                {
                    Walk(media?["schema"], "(inline)", "", [], found);
                }
            }
        }
        return found;
    }

    /// <summary>Follows $ref, arrays, nested objects and compositions; records each personal-looking property with its owning schema.</summary>
    private void Walk(JsonNode? schema, string owner, string path, ImmutableHashSet<string> seen, List<Field> found)
    {
        if (schema is not JsonObject s)
        {
            return;
        }
        if (s["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference.Split('/')[^1];
            if (!seen.Contains(name))
            {
                Walk(Schemas[name], name, path, seen.Add(name), found);
            }
            return;
        }
        foreach (var composition in new[] { "allOf", "anyOf", "oneOf" })
        {
            foreach (var part in s[composition] as JsonArray ?? [])
            {
                Walk(part, owner, path, seen, found);
            }
        }
        Walk(s["items"], owner, path + "[]", seen, found);
        Walk(s["additionalProperties"], owner, path + "{}", seen, found);
        foreach (var (property, value) in s["properties"] as JsonObject ?? [])
        {
            var at = path.Length == 0 ? property : $"{path}.{property}";
            if (PersonalLooking().IsMatch(property))
            {
                found.Add(new Field($"{owner}.{property}", at));
            }
            Walk(value, owner, at, seen, found);
        }
    }
}
