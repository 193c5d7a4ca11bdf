using System.Diagnostics;
using System.Net;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Cluster;

/// <summary>The database goes away for a few seconds under a running gateway and silo (cluster profile on PostgreSQL).</summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ADatabaseOutage_Answers503WithRetryAfter_LosesNothingAcknowledged_AndRecoversByItself()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var app = GatewayApp.OnPostgres(database.ConnectionString);
        var http = app.Start();
        await County.Create(http);

        // Before: acknowledged reports, every other one escalated to the village.
        var before = new List<string>();
        var escalated = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = await Report(http, i % 2 == 0 ? County.Grid : County.Grid2, key: $"before-{i}");
            before.Add(id);
            if (i % 4 == 0)
            {
                await Act(http, id, "escalate", """{"note":"需村里协调"}""");
                escalated.Add(id);
            }
        }
        var stillAtGrid = before.Except(escalated).Take(3).ToArray();

        var outage = await DatabaseOutage.BeginAsync(database);
        var down = Stopwatch.StartNew();
        var writes = new List<(string Key, HttpResponseMessage Response)>();
        var escalationsDuringOutage = new List<HttpResponseMessage>();
        HttpResponseMessage ready;
        try
        {
            // New reports (each one's first read of storage fails; the gateway retries them for about 4 s, as they carry a
            // key), and escalations of issues already in memory (their write fails; not retried), all at once.
            var reports = Enumerable.Range(0, 8).Select(async i => ($"outage-{i}", await http.PostJson($"/api/v1/grids/{County.Grid}/issues", IssueJson, $"outage-{i}"))).ToArray();
            var escalations = stillAtGrid.Select(id => http.PostJson($"/api/v1/issues/{id}/escalate", """{"note":"上报"}""")).ToArray();
            ready = await http.GetAsync("/health/ready");
            escalationsDuringOutage.AddRange(await Task.WhenAll(escalations));
            writes.AddRange(await Task.WhenAll(reports));
        }
        finally
        {
            await outage.DisposeAsync();
        }
        var outageMs = down.ElapsedMilliseconds;

        output.WriteLine($"outage: {outage.Terminated} connections terminated, new ones refused for {outageMs} ms");
        output.WriteLine($"during it: {writes.Count} reports answered {Summary(writes.Select(w => w.Response))}; {escalationsDuringOutage.Count} escalations answered {Summary(escalationsDuringOutage)}; /health/ready {(int)ready.StatusCode}");
        foreach (var response in writes.Select(w => w.Response).Concat(escalationsDuringOutage))
        {
            await response.AssertProblem(503);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // Recovery by itself: nothing restarted, the same requests sent again now succeed, each once.
        var recovery = Stopwatch.StartNew();
        var first = await Eventually.Get(() => http.PostJson($"/api/v1/grids/{County.Grid}/issues", IssueJson, writes[0].Key),
            r => r.StatusCode == HttpStatusCode.Created, "the first write after the outage", seconds: 30);
        var recoveredMs = recovery.ElapsedMilliseconds;
        var ids = new HashSet<string> { (await first.Json())["id"].Str() };
        foreach (var (key, _) in writes.Skip(1))
        {
            var again = await http.PostJson($"/api/v1/grids/{County.Grid}/issues", IssueJson, key);
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.True(ids.Add((await again.Json())["id"].Str()), $"key {key} named an issue another key had");
        }
        var replay = await http.PostJson($"/api/v1/grids/{County.Grid}/issues", IssueJson, writes[0].Key);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(ids.First(), (await replay.Json())["id"].Str());

        // Nothing acknowledged was lost, and what failed left nothing behind.
        foreach (var id in before)
        {
            var issue = await Get(http, id);
            Assert.Equal(escalated.Contains(id) ? County.Village : (before.IndexOf(id) % 2 == 0 ? County.Grid : County.Grid2), issue["holder"]!["code"].Str());
        }
        foreach (var id in stillAtGrid)
        {
            Assert.DoesNotContain((await Get(http, id))["history"]!.AsArray(), h => h!["to"].Str() == "escalated");
        }
        var village = await Queue(http, "villages", County.Village);
        Assert.Equal(escalated.Order(), village.Order());
        var grid = await Queue(http, "grids", County.Grid);
        Assert.Equal(before.Where((id, i) => i % 2 == 0 && !escalated.Contains(id)).Concat(ids).Order(), grid.Order());
        await Eventually.Get(() => http.GetAsync("/health/ready"), r => r.IsSuccessStatusCode, "/health/ready after the outage");
        output.WriteLine($"after it: first write accepted {recoveredMs} ms after connections were allowed again; {ids.Count} outage reports sent again, each created once; "
            + $"{before.Count} earlier issues and {escalated.Count} escalations intact; the {stillAtGrid.Length} failed escalations left their issues at the grid");
    }

    private const string IssueJson = """{"category":"neighbour-dispute","title":"停电后的纠纷","by":"网格员"}""";

    private static string Summary(IEnumerable<HttpResponseMessage> responses) =>
        string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()}× {g.Key}"));
}
