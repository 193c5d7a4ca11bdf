using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Gateway.Hosting;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// Every request example of the document is sent, as an integrator trying the /docs page would, to a fresh gateway in
/// the order a county sets up (units, keys, categories, members, groups, households, tasks, leadership, commitments,
/// stars, issues); each must get the success answer its operation documents. Path values and the records a body names
/// are the ones the earlier examples created.
/// </summary>
public sealed class RequestExampleWalkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly GatewayApp _app = GatewayApp.OnSqlite();
    private HttpClient _admin = null!;
    private JsonObject _document = null!;
    private readonly Dictionary<string, string> _ids = [];
    private readonly List<string> _sent = [];
    private readonly List<string> _failures = [];

    public async Task InitializeAsync()
    {
        _admin = _app.Start();
        _document = (await _admin.GetJson("/openapi/v1.json")).AsObject();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryRequestExample_IsAcceptedWithItsDocumentedSuccess()
    {
        string grid = County.Grid, village = County.Village;
        await Send("PutCounty");
        await Send("PutTownship");
        await Send("PutVillage");
        await Send("PutGrid");
        Assert.True((await _admin.PutJson($"/api/v1/grids/{County.Grid2}", """{"name":"汪屋网格"}""")).IsSuccessStatusCode);
        await Send("CreateKey");
        await Send("CreateStaff");
        await Send("PutMyNotificationSettings");
        await Send("ResetStaffPassword", ("username", "dongming"));
        var webhook = (await Send("CreateWebhook"))?["id"]?.GetValue<string>() ?? "";
        await Send("ReplayWebhook", ("id", webhook));
        await Send("PutCategory", ("categoryCode", "neighbour-dispute"));
        var member = (await Send("CreateMember"))?["id"]?.GetValue<string>() ?? "";
        _ids[OpenApiRequestExamples.Member] = member;
        await Send("UpdateMember", ("id", member));
        await Send("ClaimPost", ("id", member));
        await Send("LogPostWork", ("id", member));
        await Send("PutPartyGroup");
        await Send("RecordPartyGroupActivity");
        var household = (await Send("CreateHousehold"))?["id"]?.GetValue<string>() ?? "";
        _ids[OpenApiRequestExamples.Household] = household;
        await Send("UpdateHousehold", ("id", household));
        await Send("PutGridLeader");
        _ids[OpenApiRequestExamples.Worker] = (await Send("AddGridWorker"))?["id"]?.GetValue<string>() ?? "";
        var surveyVisit = (await Send("RecordGridVisit"))?["id"]?.GetValue<string>() ?? "";
        await Send("ReportVisitFinding", ("id", surveyVisit), ("n", "1"));
        var pairing = (await Send("AcceptPairing"))?["id"]?.GetValue<string>() ?? "";
        await Send("LogPairingVisit", ("id", pairing));
        await Send("EndPairing", ("id", pairing));
        var task = (await Send("CreatePartyTask"))?["id"]?.GetValue<string>() ?? "";
        await Send("SplitPartyTask", ("id", task));
        await Send("ReportPartyTaskPartDone", ("id", task), ("memberId", member));
        await Send("RecordBranchMeeting");
        await Send("PutSlateRules");
        await Send("CheckSlate");
        await Send("PutVillageTerm", ("year", "2021"));
        await Send("PutSecretaryFiling", ("year", "2021"));
        await Send("PutTrainingSession", ("sessionId", "spring-2026"));
        await Send("PutTeamAssessment");
        foreach (var (who, publish) in new[] { ("Group", $"/api/v1/grids/{grid}/party-group"), ("Member", $"/api/v1/members/{member}") })
        {
            await Send($"Draft{who}Commitments", ("id", member));
            // Progress, evaluations and decisions follow publication (亮诺), which takes no body.
            Assert.True((await _admin.PostAsync($"{publish}/commitments/2026/publish", null)).IsSuccessStatusCode);
            await Send($"Record{who}CommitmentProgress", ("id", member));
            await Send($"Evaluate{who}Commitments", ("id", member));
            await Send($"Record{who}CommitmentDecision", ("id", member));
        }
        await Send("SetStarRubric");
        // Objections are taken during the notice period (公示) of published stars.
        Assert.True((await _admin.PostAsync($"/api/v1/villages/{village}/stars/publish", null)).IsSuccessStatusCode);
        var groupObjection = ObjectionId(await Send("ObjectGroupStars"));
        await Send("AnswerGroupStarsObjection", ("objectionId", groupObjection));
        var memberObjection = ObjectionId(await Send("ObjectMemberStars", ("id", member)));
        await Send("AnswerMemberStarsObjection", ("id", member), ("objectionId", memberObjection));

        var issue = (await Send("ReportIssue"))?["id"]?.GetValue<string>() ?? "";
        _ids[OpenApiRequestExamples.Issue] = issue;
        // A resumable upload of a photo in one part, for the example that attaches it.
        var upload = await (await _admin.PostAsync("/api/v1/uploads", null)).Json();
        var photo = new ByteArrayContent(Files.Photo.JpegWithGps(64, 48, 30.5, 116.75));
        photo.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        using (var part = new HttpRequestMessage(HttpMethod.Patch, upload["location"]!.GetValue<string>()) { Content = photo })
        {
            part.Headers.Add("Upload-Offset", "0");
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await _admin.SendAsync(part)).StatusCode);
        }
        _ids[OpenApiRequestExamples.Upload] = upload["id"]!.GetValue<string>();
        await Send("AttachUpload", ("id", issue));
        var worked = await Report();
        foreach (var action in new[] { "Accept", "Assign", "Resolve", "Close", "Reopen" })
        {
            await Send($"{action}Issue", ("id", worked));
        }
        var confirmed = await Report();
        await Send("AcceptIssue", ("id", confirmed));
        await Send("ResolveIssue", ("id", confirmed));
        await Send("ConfirmIssue", ("id", confirmed));
        // The keyless answer needs the link a resolution makes; the example's token stands for it.
        var linked = await Report();
        await Send("AcceptIssue", ("id", linked));
        var link = (await Send("ResolveIssue", ("id", linked)))?["confirmLink"]?.GetValue<string>() ?? "#";
        _ids[OpenApiRequestExamples.ConfirmToken] = link.Split('#')[1];
        await Send("ConfirmIssueByLink");
        var escalated = await Report();
        await Send("EscalateIssue", ("id", escalated));
        await Send("HandDownIssue", ("id", escalated));
        await Send("RejectIssue", ("id", await Report()));
        await Send("DuplicateIssue", ("id", await Report()));
        // A member who leads no group moves to another grid (the leader must be replaced first, 409).
        var mover = (await (await _admin.PostJson("/api/v1/members", OpenApiRequestExamples.For("CreateMember")!.ToJsonString().Replace("王建国", "汪小龙"))).Json())["id"].Str();
        await Send("TransferMember", ("id", mover));
        // The levels above the county last: a county registered before its province stays as it is until written again.
        await Send("PutProvince");
        await Send("PutCity");

        output.WriteLine($"sent the request examples of {_sent.Count} operations");
        var withJsonExamples = Operations().Where(o => o.Operation["requestBody"]?["content"]?["application/json"]?["example"] is not null)
            .Select(o => o.Operation["operationId"]!.GetValue<string>()).ToHashSet();
        var unsent = withJsonExamples.Except(_sent).ToArray();
        Assert.True(_failures.Count == 0, string.Join('\n', _failures));
        Assert.True(unsent.Length == 0, "request examples never sent: " + string.Join(", ", unsent));
        Assert.True(_sent.Count >= 50, $"only {_sent.Count} examples sent");
    }

    private IEnumerable<(string Method, string Template, JsonObject Operation)> Operations() =>
        from path in _document["paths"]!.AsObject()
        from op in path.Value!.AsObject()
        where op.Key is "get" or "post" or "put" or "delete" or "patch"
        select (op.Key.ToUpperInvariant(), path.Key, op.Value!.AsObject());

    private async Task<string> Report() =>
        (await (await _admin.PostJson($"/api/v1/grids/{County.Grid}/issues", OpenApiRequestExamples.For("ReportIssue")!.ToJsonString())).Json())["id"].Str();

    private static string ObjectionId(JsonNode? rating) => rating?["objections"]?.AsArray().LastOrDefault()?["id"]?.GetValue<string>() ?? "";

    /// <summary>Sends the operation's documented example with the given path values (unit codes by the level before them).</summary>
    private async Task<JsonNode?> Send(string operationId, params (string Name, string Value)[] values)
    {
        var (method, template, operation) = Assert.Single(Operations(), o => o.Operation["operationId"]?.GetValue<string>() == operationId);
        var segments = template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{'))
            {
                continue;
            }
            var name = segments[i][1..^1];
            segments[i] = values.FirstOrDefault(v => v.Name == name).Value ?? (name, segments[i - 1]) switch
            {
                ("code", "provinces") => County.Code[..2],
                ("code", "cities") => County.Code[..4],
                ("code", "counties") => County.Code,
                ("code", "townships") => County.Township,
                ("code", "villages") => County.Village,
                ("code", "grids" or "groups") => County.Grid,
                ("year", _) => "2026",
                _ => throw new InvalidOperationException($"{operationId}: no value for {{{name}}}"),
            };
        }
        var example = operation["requestBody"]!["content"]!["application/json"]!["example"]!.ToJsonString();
        foreach (var (placeholder, real) in _ids)
        {
            example = example.Replace(placeholder, real, StringComparison.Ordinal);
        }
        var request = new HttpRequestMessage(new HttpMethod(method), string.Join('/', segments))
        {
            Content = new StringContent(example, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        var response = await _admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = ((int)response.StatusCode).ToString();
        _sent.Add(operationId);
        if (status[0] != '2' || operation["responses"]?[status] is null)
        {
            _failures.Add($"{operationId} ({method} {request.RequestUri}): {status} {body}");
            return null;
        }
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }
}
