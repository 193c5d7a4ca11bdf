using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Gateway.Hosting;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.Access;

/// <summary>
/// Who acted (经办人) is recorded from the credentials, never from the body. Every write whose answer can show an actor
/// (the document says so: its success schema reaches <c>Actor</c>) is sent, in the order a county sets up, with a key of
/// its own; the answer and the record read back must name that key (its id and app) as the actor. The body's
/// <c>by</c> notes are either left out or name someone else, who must never be taken for the actor. A write added
/// tomorrow whose answer shows an actor, or that takes a <c>by</c>, is covered without being listed here.
/// </summary>
public sealed class ActorWalkTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Someone else, named in every free-text <c>by</c> note of the bodies in the "impostor" walk.</summary>
    private const string Impostor = "冒名者";

    /// <summary>Writes whose answer shows actors of other records, though they record nothing themselves.</summary>
    private static readonly Dictionary<string, string> RecordsNothing = new()
    {
        ["CheckSlate"] = "checks a slate against the county's rules (whose actor it shows) and stores nothing",
        ["CreateMember"] = "registers a member; the record of a member keeps no actor, its transfers, posts and post work do",
        ["UpdateMember"] = "changes a member's details; only a post it gives up (a member gone migrant) records the actor",
    };

    /// <summary>Writes that take a by note but answer with no body to show an actor in.</summary>
    private static readonly Dictionary<string, string> AnswersNothing = new()
    {
        ["RemoveMember"] = "204: the member is gone; the post it held is released with the actor in its history",
    };

    /// <summary>Free-text by notes that are required, so the walk without notes keeps them.</summary>
    private static readonly Dictionary<string, string> RequiredNotes = new()
    {
        ["ObjectionInput.by"] = "who objects (异议人) is required: a resident or member speaking, not the app that types it in",
    };

    private readonly GatewayApp _app = GatewayApp.OnSqlite();
    private HttpClient _admin = null!;
    private JsonObject _document = null!;
    private JsonObject _schemas = null!;
    private string _mode = "";
    private readonly Dictionary<string, string> _ids = [];
    private readonly List<string> _checked = [];
    private readonly List<string> _failures = [];

    public async Task InitializeAsync()
    {
        _admin = _app.Start();
        _document = (await _admin.GetJson("/openapi/v1.json")).AsObject();
        _schemas = _document["components"]!["schemas"]!.AsObject();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("none")]
    [InlineData("impostor")]
    public async Task EveryRecordingWrite_RecordsAndShowsTheCallingKeyAsActor_WhateverTheBodySaysBy(string mode)
    {
        _mode = mode;
        await Send("PutCounty");
        await Send("PutTownship");
        await Send("PutVillage");
        await Send("PutGrid");
        Assert.True((await _admin.PutJson($"/api/v1/grids/{County.Grid2}", """{"name":"汪屋网格"}""")).IsSuccessStatusCode);
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
        foreach (var who in new[] { "Group", "Member" })
        {
            await Send($"Draft{who}Commitments", ("id", member));
            await Send($"Publish{who}Commitments", ("id", member));
            await Send($"Record{who}CommitmentProgress", ("id", member));
            await Send($"Evaluate{who}Commitments", ("id", member));
            await Send($"Record{who}CommitmentDecision", ("id", member));
        }
        await Send("SetStarRubric");
        // Publishing a village rates each of its groups and members: one of them is read back.
        await SendReadingBack("PublishVillageStars", $"/api/v1/grids/{County.Grid}/party-group/stars");
        var groupObjection = ObjectionId(await Send("ObjectGroupStars"));
        await Send("AnswerGroupStarsObjection", ("objectionId", groupObjection));
        var memberObjection = ObjectionId(await Send("ObjectMemberStars", ("id", member)));
        await Send("AnswerMemberStarsObjection", ("id", member), ("objectionId", memberObjection));
        _ids[OpenApiRequestExamples.Issue] = (await Send("ReportIssue"))?["id"]?.GetValue<string>() ?? "";
        var worked = await Report();
        foreach (var action in new[] { "Accept", "Assign", "Resolve", "Close", "Reopen" })
        {
            await Send($"{action}Issue", ("id", worked));
        }
        var confirmed = await Report();
        await Send("AcceptIssue", ("id", confirmed));
        await Send("ResolveIssue", ("id", confirmed));
        await Send("ConfirmIssue", ("id", confirmed));
        var escalated = await Report();
        await Send("EscalateIssue", ("id", escalated));
        await Send("HandDownIssue", ("id", escalated));
        await Send("RejectIssue", ("id", await Report()));
        await Send("DuplicateIssue", ("id", await Report()));
        // A member who leads no group moves to another grid (a group's leader must be replaced first).
        var mover = (await (await _admin.PostJson("/api/v1/members", OpenApiRequestExamples.For("CreateMember")!.ToJsonString().Replace("王建国", "汪小龙"))).Json())["id"].Str();
        await Send("TransferMember", ("id", mover));
        // Releasing a post records who released it in the post history.
        await Send("ReleasePost", ("id", member));

        output.WriteLine($"walk '{mode}': the actor checked on {_checked.Count} writes: {string.Join(", ", _checked)}");
        var recording = Operations().Where(o => o.Method != "GET" && ShowsActor(o.Operation)).Select(o => Id(o.Operation))
            .Where(id => !RecordsNothing.ContainsKey(id)).ToHashSet();
        var takingBy = Operations().Where(o => o.Method != "GET" && ByNotes(o.Operation).Any()).Select(o => Id(o.Operation))
            .Where(id => !AnswersNothing.ContainsKey(id)).ToArray();
        Assert.True(_failures.Count == 0, string.Join('\n', _failures));
        var neverWalked = recording.Except(_checked).ToArray();
        Assert.True(neverWalked.Length == 0, "writes that show an actor, never walked: " + string.Join(", ", neverWalked));
        var showingNone = takingBy.Except(recording).ToArray();
        Assert.True(showingNone.Length == 0, "writes that take a by note but show no actor: " + string.Join(", ", showingNone));
        Assert.True(_checked.Count >= 40, $"only {_checked.Count} recording writes walked");
    }

    private IEnumerable<(string Method, string Template, JsonObject Operation)> Operations() =>
        from path in _document["paths"]!.AsObject()
        from op in path.Value!.AsObject()
        where op.Key is "get" or "post" or "put" or "delete" or "patch"
        select (op.Key.ToUpperInvariant(), path.Key, op.Value!.AsObject());

    private static string Id(JsonObject operation) => operation["operationId"]!.GetValue<string>();

    private JsonNode Resolve(JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? _schemas[reference.Split('/')[^1]]! : schema;

    /// <summary>Whether a success answer of the operation can carry an <c>Actor</c>, as its documented schema says.</summary>
    private bool ShowsActor(JsonObject operation) =>
        (operation["responses"]?.AsObject() ?? []).Where(r => r.Key.StartsWith('2'))
            .Any(r => r.Value?["content"]?["application/json"]?["schema"] is { } schema && Reaches(schema, "Actor", []));

    private bool Reaches(JsonNode schema, string target, HashSet<string> seen)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference.Split('/')[^1];
            return name == target || (seen.Add(name) && Reaches(_schemas[name]!, target, seen));
        }
        var children = new List<JsonNode?> { schema["items"], schema["additionalProperties"] as JsonObject };
        children.AddRange(schema["anyOf"]?.AsArray() ?? []);
        children.AddRange(schema["oneOf"]?.AsArray() ?? []);
        children.AddRange(schema["allOf"]?.AsArray() ?? []);
        children.AddRange((schema["properties"]?.AsObject() ?? []).Select(p => p.Value));
        return children.OfType<JsonNode>().Any(c => Reaches(c, target, seen));
    }

    /// <summary>
    /// The free-text notes of who acted an operation takes: body properties named by or …By, and a query by. A property
    /// that names a record (<c>x-gridactors-reference</c>, such as the member a task is split by) is not a note.
    /// </summary>
    private IEnumerable<(string Where, string Name, string Schema)> ByNotes(JsonObject operation)
    {
        foreach (var p in operation["parameters"]?.AsArray() ?? [])
        {
            if (p?["in"]?.GetValue<string>() == "query" && p["name"]?.GetValue<string>() == "by")
            {
                yield return ("query", "by", "");
            }
        }
        if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } body && body["$ref"]?.GetValue<string>() is { } reference)
        {
            var schemaName = reference.Split('/')[^1];
            foreach (var (name, property) in Resolve(body)["properties"]?.AsObject() ?? [])
            {
                if ((name == "by" || name.EndsWith("By", StringComparison.Ordinal)) && property?["x-gridactors-reference"] is null)
                {
                    yield return ("body", name, schemaName);
                }
            }
        }
    }

    private async Task<string> Report() =>
        (await (await _admin.PostJson($"/api/v1/grids/{County.Grid}/issues", OpenApiRequestExamples.For("ReportIssue")!.ToJsonString())).Json())["id"].Str();

    private static string ObjectionId(JsonNode? rating) => rating?["objections"]?.AsArray().LastOrDefault()?["id"]?.GetValue<string>() ?? "";

    /// <summary>A key of its own for one operation, with every role but admin in the county: (secret, id, app).</summary>
    private async Task<(string Secret, string Id, string App)> KeyFor(string operationId)
    {
        var app = $"actor-walk-{operationId}";
        var response = await _admin.PostJson("/api/v1/keys",
            $$"""{"app":"{{app}}","jurisdiction":"{{County.Code}}","roles":["reader","reporter","handler","manager"]}""");
        var created = await response.Json();
        Assert.True(response.IsSuccessStatusCode, created.ToJsonString());
        return (created["secret"].Str(), created["id"].Str(), app);
    }

    /// <summary>
    /// Sends the operation's documented example (or no body) with its by notes left out or naming <see cref="Impostor"/>.
    /// A write that can show an actor goes with a key of its own, and its answer and the record read back must name it.
    /// </summary>
    private Task<JsonNode?> Send(string operationId, params (string Name, string Value)[] values) => SendReadingBack(operationId, null, values);

    private async Task<JsonNode?> SendReadingBack(string operationId, string? readBackAt, params (string Name, string Value)[] values)
    {
        var (method, template, operation) = Assert.Single(Operations(), o => Id(o.Operation) == operationId);
        var url = Fill(operationId, template, values);
        var notes = ByNotes(operation).ToArray();
        var recording = method != "GET" && ShowsActor(operation) && !RecordsNothing.ContainsKey(operationId);
        var body = operation["requestBody"]?["content"]?["application/json"]?["example"]?.ToJsonString();
        if (body is not null)
        {
            foreach (var (placeholder, real) in _ids)
            {
                body = body.Replace(placeholder, real, StringComparison.Ordinal);
            }
            var json = JsonNode.Parse(body)!.AsObject();
            foreach (var (_, name, schema) in notes.Where(n => n.Where == "body"))
            {
                if (_mode == "impostor")
                {
                    json[name] = Impostor;
                }
                else if (!RequiredNotes.ContainsKey($"{schema}.{name}"))
                {
                    json.Remove(name);
                }
            }
            body = json.ToJsonString();
        }
        if (_mode == "impostor" && notes.Any(n => n.Where == "query"))
        {
            url += (url.Contains('?') ? "&" : "?") + "by=" + Uri.EscapeDataString(Impostor);
        }
        var key = recording ? await KeyFor(operationId) : default;
        var client = recording ? _app.ClientWith(key.Secret) : _admin;
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            _failures.Add($"{operationId} ({method} {url}): {(int)response.StatusCode} {text}");
            return null;
        }
        var answer = text.Length == 0 ? null : JsonNode.Parse(text);
        if (recording)
        {
            _checked.Add(operationId);
            var sentImpostor = _mode == "impostor" && notes.Length > 0;
            Check(operationId, "its answer", answer, key.Id, key.App, sentImpostor);
            var (readUrl, readBack) = await ReadBack(readBackAt is null ? Candidates(response, url) : [readBackAt]);
            if (readBack is null)
            {
                _failures.Add($"{operationId}: no record to read back at {url} or above it");
            }
            else
            {
                Check(operationId, $"the record read back at {readUrl}", readBack, key.Id, key.App, sentImpostor);
            }
        }
        return answer;
    }

    /// <summary>The actor of this key is in <paramref name="node"/>; no actor is the impostor; the by note is kept as sent.</summary>
    private void Check(string operationId, string what, JsonNode? node, string keyId, string app, bool sentImpostor)
    {
        var actors = Actors(node).ToArray();
        if (!actors.Any(a => a["id"]?.GetValue<string>() == keyId && a["name"]?.GetValue<string>() == app))
        {
            _failures.Add($"{operationId}: {what} names no actor {{id: {keyId}, name: {app}}}; actors there: {string.Join(", ", actors.Select(a => a.ToJsonString()))}");
        }
        if (actors.Any(a => a.ToJsonString().Contains(Impostor, StringComparison.Ordinal)))
        {
            _failures.Add($"{operationId}: {what} takes the body's by ({Impostor}) for the actor");
        }
        if (sentImpostor && node?.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Contains(Impostor, StringComparison.Ordinal) != true)
        {
            _failures.Add($"{operationId}: {what} dropped the by note");
        }
    }

    /// <summary>Every object held under a property named actor or …Actor, anywhere in the answer.</summary>
    private static IEnumerable<JsonObject> Actors(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if ((name == "actor" || name.EndsWith("Actor", StringComparison.Ordinal)) && value is JsonObject actor)
                    {
                        yield return actor;
                    }
                    foreach (var inner in Actors(value))
                    {
                        yield return inner;
                    }
                }
                break;
            case JsonArray a:
                foreach (var inner in a.SelectMany(Actors))
                {
                    yield return inner;
                }
                break;
        }
    }

    /// <summary>
    /// The record as read back: where the answer's Location points, else the nearest path at or above the write's
    /// that answers a GET (an issue action's issue, a pairing's list, a member after a transfer).
    /// </summary>
    private static List<string> Candidates(HttpResponseMessage written, string url)
    {
        var candidates = new List<string>();
        if (written.Headers.Location is { } location)
        {
            candidates.Add(location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
        }
        var path = url.Split('?')[0];
        for (var at = path; at.Count(c => c == '/') > 3; at = at[..at.LastIndexOf('/')])
        {
            candidates.Add(at);
        }
        return candidates;
    }

    private async Task<(string Url, JsonNode? Record)> ReadBack(IReadOnlyList<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            var response = await _admin.GetAsync(candidate);
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                return (candidate, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
            }
        }
        return (string.Join(" or ", candidates), null);
    }

    private static string Fill(string operationId, string template, (string Name, string Value)[] values)
    {
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
                ("code", "counties") => County.Code,
                ("code", "townships") => County.Township,
                ("code", "villages") => County.Village,
                ("code", "grids" or "groups") => County.Grid,
                ("year", _) => "2026",
                _ => throw new InvalidOperationException($"{operationId}: no value for {{{name}}}"),
            };
        }
        return string.Join('/', segments);
    }
}
