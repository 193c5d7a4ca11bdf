using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GridActors.Tests.Access;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// Every operation of the OpenAPI document, with each of its path, query and header parameters and each property of
/// its body replaced by malformed, boundary, huge, non-ASCII and injection-shaped values, and with bodies that are not
/// what it reads at all. An operation added tomorrow is fuzzed without anyone listing it. Sent with the bootstrap admin
/// key, so no role check stops a request before the code that parses it.
/// </summary>
public sealed class FuzzTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    private sealed record Probe(string What, HttpMethod Method, string Url, string? Body, string? ContentType, (string Name, string Value)? Header);

    [Fact]
    public async Task EveryOperation_GivenMalformedInput_AnswersBelow500_AndARefusedWriteChangesNothing()
    {
        var clock = Stopwatch.StartNew();
        var address = fixture.App.ClientWith(null).BaseAddress!;
        // Header values go out as UTF-8, as a careless client would send them, rather than being refused before they leave.
        using var http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = address };
        var failures = new ConcurrentBag<string>();
        var sent = 0;
        var operations = fixture.Operations().ToList();

        // Reads change nothing, so they go side by side.
        var reads = operations.Where(o => o.Method == HttpMethod.Get).SelectMany(o => Probes(o.Method, o.Template, o.Operation)).ToList();
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (probe, _) =>
        {
            if (await Send(http, probe) is { } status)
            {
                Interlocked.Increment(ref sent);
                if (status.Code >= 500)
                {
                    failures.Add($"{probe.What}: {status.Code} {status.Text}");
                }
            }
        });

        // Writes one after another, deletes last so the records the others name are still there. A group of probes of one
        // parameter or property is checked against a snapshot taken before and after it; where a probe in it succeeded
        // (and so changed the data on purpose), each refused probe of the group is sent again between two snapshots.
        var writes = operations.Where(o => o.Method != HttpMethod.Get).OrderBy(o => o.Method == HttpMethod.Delete).ToList();
        var before = await Snapshot();
        foreach (var (method, template, operation) in writes)
        {
            foreach (var group in Probes(method, template, operation).GroupBy(p => p.What.Split(" = ")[0]))
            {
                var refused = new List<Probe>();
                var changedOnPurpose = false;
                foreach (var probe in group)
                {
                    if (await Send(http, probe) is not { } status)
                    {
                        continue;
                    }
                    sent++;
                    if (status.Code >= 500)
                    {
                        failures.Add($"{probe.What}: {status.Code} {status.Text}");
                    }
                    else if (status.Code >= 400)
                    {
                        refused.Add(probe);
                    }
                    else
                    {
                        changedOnPurpose = true;
                    }
                }
                var after = await Snapshot();
                if (!changedOnPurpose && after != before)
                {
                    failures.Add($"{group.Key}: every write was refused, yet the data changed:\n{Difference(before, after)}");
                }
                else if (changedOnPurpose)
                {
                    after = await Settled(after);
                    foreach (var probe in refused)
                    {
                        var status = await Send(http, probe);
                        sent++;
                        var again = await Snapshot();
                        if (status is { Code: >= 400 and < 500 } && again != after)
                        {
                            failures.Add($"{probe.What}: refused with {status.Value.Code}, yet the data changed:\n{Difference(after, again)}");
                        }
                        after = status is { Code: < 400 } ? await Settled(again) : again;
                    }
                }
                before = after;
            }
        }

        output.WriteLine($"sent {sent} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(sent >= 2_000, $"only {sent} requests sent");
        Assert.True(failures.IsEmpty, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(60)));
    }

    /// <summary>Every malformed variant of one operation: each parameter in turn, then each body property, then whole bodies.</summary>
    private IEnumerable<Probe> Probes(HttpMethod method, string template, JsonObject operation)
    {
        var url = fixture.FillA(template, operation);
        var path = url.Split('?')[0];
        var query = url.Contains('?') ? url.Split('?', 2)[1] : "";
        var content = operation["requestBody"]?["content"]?.AsObject();
        var example = content?["application/json"]?["example"]?.ToJsonString() ?? (content?.ContainsKey("application/json") == true ? "{}" : null);
        var rawType = content?.Select(c => c.Key).FirstOrDefault(k => k != "application/json");
        var body = example ?? (rawType is null ? null : "");
        var bodyType = example is not null ? "application/json" : rawType;
        var name = $"{method} {template}";

        var values = FuzzInputs.Texts.Select(Uri.EscapeDataString).Concat(FuzzInputs.RawEscaped).ToArray();
        var templateSegments = template.Split('/');
        var segments = path.Split('/');
        for (var i = 0; i < templateSegments.Length; i++)
        {
            var open = templateSegments[i].IndexOf('{');
            if (open < 0)
            {
                continue;
            }
            var close = templateSegments[i].IndexOf('}');
            foreach (var value in values)
            {
                var fuzzed = (string[])segments.Clone();
                fuzzed[i] = templateSegments[i][..open] + value + templateSegments[i][(close + 1)..];
                yield return new Probe($"{name} path {templateSegments[i]} = {value[..Math.Min(value.Length, 40)]}", method,
                    string.Join('/', fuzzed) + (query.Length > 0 ? "?" + query : ""), body, bodyType, null);
            }
        }

        foreach (var parameter in (operation["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject()))
        {
            var parameterName = parameter["name"]!.GetValue<string>();
            switch (parameter["in"]?.GetValue<string>())
            {
                case "query":
                    var others = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Where(q => q.Split('=')[0] != parameterName);
                    foreach (var value in values)
                    {
                        yield return new Probe($"{name} query {parameterName} = {value[..Math.Min(value.Length, 40)]}", method,
                            path + "?" + string.Join('&', others.Append($"{parameterName}={value}")), body, bodyType, null);
                    }
                    break;
                case "header":
                    foreach (var value in FuzzInputs.Texts)
                    {
                        yield return new Probe($"{name} header {parameterName} = {value[..Math.Min(value.Length, 40)]}", method, url, body, bodyType, (parameterName, value));
                    }
                    break;
            }
        }

        if (example is not null)
        {
            foreach (var property in FuzzInputs.Properties(JsonNode.Parse(example), []))
            {
                var field = string.Join('.', property);
                foreach (var value in FuzzInputs.PropertyValues)
                {
                    yield return new Probe($"{name} body {field} = {value[..Math.Min(value.Length, 40)]}", method, url,
                        FuzzInputs.Replace(example, property, value), "application/json", null);
                }
            }
            foreach (var (what, malformed, type) in FuzzInputs.MalformedJsonBodies(example))
            {
                yield return new Probe($"{name} whole body = {what}", method, url, malformed, type, null);
            }
        }
        else if (rawType is not null)
        {
            foreach (var (what, malformed) in FuzzInputs.MalformedRawBodies())
            {
                foreach (var type in content!.Select(c => c.Key))
                {
                    yield return new Probe($"{name} whole body = {what} as {type}", method, url, malformed, type, null);
                }
            }
        }
    }

    /// <summary>The status and the start of the answer; null when the client itself refuses to send the request (a NUL in a header).</summary>
    private static async Task<(int Code, string Text)?> Send(HttpClient http, Probe probe)
    {
        HttpRequestMessage request;
        try
        {
            request = new HttpRequestMessage(probe.Method, probe.Url);
            if (probe.Body is not null)
            {
                request.Content = new ByteArrayContent(FuzzInputs.Bytes(probe.Body));
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(probe.ContentType!);
            }
            if (probe.Header is { } header)
            {
                if (!request.Headers.TryAddWithoutValidation(header.Name, header.Value) || header.Value.Any(c => c is '\0' or '\r' or '\n'))
                {
                    return null;
                }
            }
            request.Headers.Add("X-Api-Key", GatewayApp.AdminKey);
        }
        catch (UriFormatException)
        {
            return null;
        }
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text[..Math.Min(text.Length, 300)]);
        }
        catch (HttpRequestException e)
        {
            return (599, $"no answer: {e.Message}");
        }
    }

    /// <summary>What the county holds, read back with the bootstrap key: units, tree, issue, member, group, task, lists.</summary>
    private async Task<string> Snapshot()
    {
        string[] urls =
        [
            $"/api/v1/counties/{County.Code}/tree", $"/api/v1/counties/{County.Code}", $"/api/v1/grids/{County.Grid}", $"/api/v1/issues/{fixture.IssueA}",
            $"/api/v1/members/{fixture.MemberA}", $"/api/v1/grids/{County.Grid}/members", $"/api/v1/grids/{County.Grid}/issues",
            $"/api/v1/party-tasks/{fixture.TaskA}", $"/api/v1/grids/{County.Grid}/party-group", $"/api/v1/grids/{County.Grid}/households",
            $"/api/v1/counties/{County.Code}/categories", "/api/v1/keys?limit=200",
        ];
        var parts = await Task.WhenAll(urls.Select(async url =>
        {
            using var response = await fixture.Admin.GetAsync(url);
            return $"{url} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }));
        return string.Join('\n', parts);
    }

    /// <summary>
    /// A write that succeeded reaches queues and lists through streams a moment after its answer; the baseline for the
    /// next refused write is the state once two reads in a row agree (bounded, so a busy machine cannot hang the test).
    /// </summary>
    private async Task<string> Settled(string first)
    {
        var until = DateTime.UtcNow.AddSeconds(2);
        var previous = first;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(20);
            var next = await Snapshot();
            if (next == previous)
            {
                return next;
            }
            previous = next;
        }
        return previous;
    }

    private static string Difference(string before, string after) => string.Join('\n',
        before.Split('\n').Zip(after.Split('\n')).Where(p => p.First != p.Second).Select(p => $"  before: {Cut(p.First)}\n  after:  {Cut(p.Second)}"));

    private static string Cut(string s) => s[..Math.Min(s.Length, 400)];
}
