using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GridActors.Bench;

/// <summary>One request to send: method, path, JSON body (or none).</summary>
public sealed record Call(HttpMethod Method, string Path, string? Body = null)
{
    public static Call Put(string path, string body) => new(HttpMethod.Put, path, body);

    public static Call Post(string path, string body) => new(HttpMethod.Post, path, body);
}

/// <summary>Sends requests to the service from a fixed number of concurrent callers and counts what failed.</summary>
public sealed class ServiceClient : IDisposable
{
    private readonly HttpClient _http;

    public ServiceClient(string url, string key, int connections = 64)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Add("X-Api-Key", key);
    }

    public HttpClient Http => _http;

    public async Task<HttpResponseMessage> SendAsync(Call call)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path);
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        }
        return await _http.SendAsync(request);
    }

    /// <summary>Sends every call, <paramref name="concurrency"/> at a time; returns the elapsed time and the answers' bodies when asked.</summary>
    public async Task<(TimeSpan Elapsed, int Ok, List<string> Bodies)> RunAsync(IEnumerable<Call> calls, int concurrency, bool keepBodies = false, bool allowConflict = false)
    {
        var failures = new ConcurrentQueue<string>();
        var bodies = new ConcurrentBag<string>();
        var ok = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (call, _) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                using var response = await SendAsync(call);
                if (response.IsSuccessStatusCode || (allowConflict && response.StatusCode == HttpStatusCode.Conflict))
                {
                    if (keepBodies)
                    {
                        bodies.Add(await response.Content.ReadAsStringAsync());
                    }
                    Interlocked.Increment(ref ok);
                    return;
                }
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests && attempt < 3)
                {
                    await Task.Delay(200);
                    continue;
                }
                failures.Enqueue($"{call.Method} {call.Path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return;
            }
        });
        watch.Stop();
        if (!failures.IsEmpty)
        {
            foreach (var failure in failures.Take(5))
            {
                Console.Error.WriteLine("  failed: " + (failure.Length > 400 ? failure[..400] : failure));
            }
            throw new InvalidOperationException($"{failures.Count} of {ok + failures.Count} requests failed");
        }
        return (watch.Elapsed, ok, bodies.ToList());
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await _http.GetFromJsonAsync<JsonElement>(path);

    public void Dispose() => _http.Dispose();
}

/// <summary>Division codes of synthetic counties, townships, villages and grids (valid 统计用区划代码 shapes).</summary>
public static class Codes
{
    public static string Township(string county, int t) => string.Create(CultureInfo.InvariantCulture, $"{county}{100 + t:D3}");

    public static string Village(string township, int v) => string.Create(CultureInfo.InvariantCulture, $"{township}{200 + v:D3}");

    public static string Grid(string village, int g) => string.Create(CultureInfo.InvariantCulture, $"{village}{g:D3}");

    /// <summary>A county of <paramref name="townships"/> townships sharing <paramref name="villages"/> villages and <paramref name="grids"/> grids as evenly as codes allow.</summary>
    public static (List<string> Townships, List<string> Villages, List<string> Grids) County(string county, int townships, int villages, int grids)
    {
        var ts = Enumerable.Range(1, townships).Select(t => Township(county, t)).ToList();
        var vs = Enumerable.Range(0, villages).Select(v => Village(ts[v % townships], 1 + (v / townships))).ToList();
        var gs = Enumerable.Range(0, grids).Select(g => Grid(vs[g % villages], 1 + (g / villages))).ToList();
        return (ts, vs, gs);
    }
}

/// <summary>Setting up a running service for the wrk runs: keys, and a county with grids.</summary>
public static class ServiceDriver
{
    /// <summary>
    /// <c>setup --url U --admin KEY --county C --grids N --out DIR</c>: registers the county (one township, villages of
    /// 100 grids), creates a reader and a reporter key bound to the county (so every request is checked against a real
    /// key, not the bootstrap one), and writes <c>reader.key</c>, <c>reporter.key</c> and <c>grids.txt</c> to DIR.
    /// </summary>
    public static async Task<int> SetupAsync(Options options)
    {
        var county = options.Get("county");
        var gridCount = options.Int("grids", 100);
        var output = options.Get("out");
        Directory.CreateDirectory(output);
        using var admin = new ServiceClient(options.Get("url"), options.Get("admin"));
        var (townships, villages, grids) = Codes.County(county, 1, (gridCount + 99) / 100, gridCount);
        await admin.RunAsync([Call.Put($"/api/v1/counties/{county}", """{"name":"基准县"}""")], 1);
        await admin.RunAsync(townships.Select(t => Call.Put($"/api/v1/townships/{t}", """{"name":"基准镇"}""")), 8);
        await admin.RunAsync(villages.Select(v => Call.Put($"/api/v1/villages/{v}", """{"name":"基准村","kind":"village"}""")), 8);
        await admin.RunAsync(grids.Select(g => Call.Put($"/api/v1/grids/{g}", """{"name":"基准网格","villagerGroups":["一组"],"leader":{"name":"网格员","phone":"13955612345"}}""")), 16);
        foreach (var role in new[] { "reader", "reporter" })
        {
            using var response = await admin.Http.PostAsJsonAsync("/api/v1/keys", new { app = $"bench-{role}", jurisdiction = county, roles = new[] { role } });
            response.EnsureSuccessStatusCode();
            var created = await response.Content.ReadFromJsonAsync<JsonElement>();
            await File.WriteAllTextAsync(Path.Combine(output, $"{role}.key"), created.GetProperty("secret").GetString());
        }
        await File.WriteAllLinesAsync(Path.Combine(output, "grids.txt"), grids);
        Console.WriteLine($"  county {county}: {townships.Count} township, {villages.Count} villages, {grids.Count} grids; reader and reporter keys in {output}");
        return 0;
    }

    /// <summary>The body of a reported issue, as the wrk script sends it.</summary>
    public static string IssueBody(int i) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"category":"neighbour-dispute","title":"宅基地边界纠纷 {{i}}","description":"两户因宅基地边界发生争执，请网格员协调。"}""");

    /// <summary>
    /// <c>post-issues --url U --key K --county C --grids N --count M</c>: reports M issues spread over the county's grids,
    /// and accepts and resolves <c>--resolve</c> of them (a fraction), so the statistics have resolutions to count.
    /// </summary>
    public static async Task<int> PostIssuesAsync(Options options)
    {
        var count = options.Int("count", 1000);
        var grids = (await File.ReadAllLinesAsync(options.Get("grids-file"))).Where(g => g.Length > 0).ToArray();
        using var reporter = new ServiceClient(options.Get("url"), options.Get("key"));
        var (elapsed, ok, bodies) = await reporter.RunAsync(
            Enumerable.Range(0, count).Select(i => Call.Post($"/api/v1/grids/{grids[i % grids.Length]}/issues", IssueBody(i))), options.Int("concurrency", 64), keepBodies: true);
        Console.WriteLine($"  {ok} issues reported in {elapsed.TotalSeconds:0.0} s ({ok / elapsed.TotalSeconds:0}/s)");
        var resolve = (int)(count * options.Double("resolve", 0));
        if (resolve > 0)
        {
            using var handler = new ServiceClient(options.Get("url"), options.Get("admin"));
            var ids = bodies.Take(resolve).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("id").GetString()!).ToList();
            await handler.RunAsync(ids.Select(id => Call.Post($"/api/v1/issues/{id}/accept", "{}")), 64);
            var (resolvedIn, _, _) = await handler.RunAsync(ids.Select(id => Call.Post($"/api/v1/issues/{id}/resolve", """{"note":"已调解"}""")), 64);
            Console.WriteLine($"  {ids.Count} issues accepted and resolved ({ids.Count / resolvedIn.TotalSeconds:0}/s)");
        }
        return 0;
    }
}
