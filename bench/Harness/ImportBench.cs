using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace GridActors.Bench;

/// <summary>
/// B6: loading a synthetic county (20 townships, 250 villages, 2,000 grids, 25,000 members, 5,000 households) and a
/// province slice of 10 such counties, in rows a second, through the bulk import endpoint
/// (<c>POST /api/v1/import/{units|members|households}</c>, CSV bodies: one file per kind and county, sent one after
/// another). When the endpoint is not there (404) the rows go through the per-row API instead (PUT units, POST
/// members and households, 64 in flight) and the figure says so.
/// </summary>
public static class ImportBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var scale = options.Double("scale", 1);
        var counties = options.Int("counties", 10);
        var concurrency = options.Int("concurrency", 64);
        using var admin = new ServiceClient(options.Get("url"), options.Get("admin"), concurrency);
        admin.Http.Timeout = TimeSpan.FromMinutes(20);

        bool endpoint;
        using (var probe = await admin.SendAsync(Call.Post("/api/v1/import/units", "[]")))
        {
            endpoint = probe.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed);
            options.Record("b6.import.endpoint", endpoint ? "present" : "pending");
            Console.WriteLine(endpoint
                ? $"  POST /api/v1/import/units is there (a probe with a JSON body answers {(int)probe.StatusCode}): importing CSV files"
                : "  POST /api/v1/import/units: 404, the import endpoint is not there yet; loading row by row through the API");
        }

        var shape = new Shape(Scaled(20, scale), Scaled(250, scale), Scaled(2000, scale), Scaled(25_000, scale), Scaled(5_000, scale));
        var one = await LoadCountyAsync(admin, "360102", shape, endpoint, concurrency, options);
        options.Record("b6.county.rows", one.Rows);
        options.Record("b6.county.seconds", one.Seconds);
        options.Record("b6.county.rps", one.Rows / one.Seconds);

        if (counties > 0)
        {
            var provinceScale = options.Double("province-scale", scale);
            var county = new Shape(Scaled(20, provinceScale), Scaled(250, provinceScale), Scaled(2000, provinceScale), Scaled(25_000, provinceScale), Scaled(5_000, provinceScale));
            long rows = 0;
            double seconds = 0;
            for (var c = 0; c < counties; c++)
            {
                var code = string.Create(CultureInfo.InvariantCulture, $"3602{c + 21:D2}");
                var loaded = await LoadCountyAsync(admin, code, county, endpoint, concurrency, options);
                rows += loaded.Rows;
                seconds += loaded.Seconds;
            }
            options.Record("b6.province.rows", rows);
            options.Record("b6.province.seconds", seconds);
            options.Record("b6.province.rps", rows / seconds);
        }
        return 0;
    }

    private sealed record Shape(int Townships, int Villages, int Grids, int Members, int Households);

    private static int Scaled(int n, double scale) => Math.Max(1, (int)Math.Round(n * scale));

    private static async Task<(long Rows, double Seconds)> LoadCountyAsync(ServiceClient admin, string county, Shape shape, bool endpoint, int concurrency, Options options)
    {
        var (townships, villages, grids) = Codes.County(county, shape.Townships, shape.Villages, shape.Grids);
        long rows = 1 + townships.Count + villages.Count + grids.Count + shape.Members + shape.Households;
        TimeSpan elapsed;
        if (endpoint)
        {
            var units = new StringBuilder("level,code,name,kind,villager_groups,leader_name,leader_phone\n");
            units.Append(CultureInfo.InvariantCulture, $"county,{county},合成县,,,,\n");
            townships.ForEach(t => units.Append(CultureInfo.InvariantCulture, $"township,{t},合成镇,,,,\n"));
            villages.ForEach(v => units.Append(CultureInfo.InvariantCulture, $"village,{v},合成村,村,,,\n"));
            grids.ForEach(g => units.Append(CultureInfo.InvariantCulture, $"grid,{g},合成网格,,一组,网格员,13955612345\n"));
            var members = new StringBuilder("name,gender,birth_date,joined_party_on,education,phone,grid,status\n");
            for (var i = 0; i < shape.Members; i++)
            {
                members.Append(CultureInfo.InvariantCulture,
                    $"党员{i},{(i % 3 == 0 ? "女" : "男")},{1940 + (i % 50)}-0{1 + (i % 9)}-1{i % 10},2010-07-01,本科,139{i % 100_000_000:D8},{grids[i % grids.Count]},在村\n");
            }
            var households = new StringBuilder("grid,head,address,size\n");
            for (var i = 0; i < shape.Households; i++)
            {
                households.Append(CultureInfo.InvariantCulture, $"{grids[i % grids.Count]},户主{i},{i}号,{1 + (i % 6)}\n");
            }
            var watch = Stopwatch.StartNew();
            await ImportAsync(admin, "units", units.ToString(), 1 + townships.Count + villages.Count + grids.Count);
            await ImportAsync(admin, "members", members.ToString(), shape.Members);
            await ImportAsync(admin, "households", households.ToString(), shape.Households);
            elapsed = watch.Elapsed;
        }
        else
        {
            elapsed = TimeSpan.Zero;
            elapsed += (await admin.RunAsync([Call.Put($"/api/v1/counties/{county}", """{"name":"合成县"}""")], 1)).Elapsed;
            elapsed += (await admin.RunAsync(townships.Select(t => Call.Put($"/api/v1/townships/{t}", """{"name":"合成镇"}""")), concurrency)).Elapsed;
            elapsed += (await admin.RunAsync(villages.Select(v => Call.Put($"/api/v1/villages/{v}", """{"name":"合成村","kind":"village"}""")), concurrency)).Elapsed;
            elapsed += (await admin.RunAsync(grids.Select(g => Call.Put($"/api/v1/grids/{g}", """{"name":"合成网格","villagerGroups":["一组","二组"],"leader":{"name":"网格员","phone":"13955612345"}}""")), concurrency)).Elapsed;
            var people = Enumerable.Range(0, Math.Max(shape.Members, shape.Households)).SelectMany(i =>
            {
                var calls = new List<Call>(2);
                if (i < shape.Members)
                {
                    calls.Add(Call.Post("/api/v1/members", Member(i, grids[i % grids.Count])));
                }
                if (i < shape.Households)
                {
                    calls.Add(Call.Post($"/api/v1/grids/{grids[i % grids.Count]}/households", Household(i)));
                }
                return calls;
            });
            elapsed += (await admin.RunAsync(people, concurrency)).Elapsed;
        }
        Console.WriteLine($"  county {county}: {rows} rows in {elapsed.TotalSeconds:0.0} s = {rows / elapsed.TotalSeconds:0} rows/s{(endpoint ? " (import endpoint)" : " (row by row)")}");
        return (rows, elapsed.TotalSeconds);
    }

    private static async Task ImportAsync(ServiceClient admin, string kind, string csv, int expected)
    {
        var watch = Stopwatch.StartNew();
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await admin.Http.PostAsync($"/api/v1/import/{kind}", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"import {kind}: {(int)response.StatusCode} {text[..Math.Min(600, text.Length)]}");
        }
        using var report = JsonDocument.Parse(text);
        var root = report.RootElement;
        var written = root.GetProperty("created").GetInt32() + root.GetProperty("updated").GetInt32() + root.GetProperty("unchanged").GetInt32();
        var rejected = root.GetProperty("rejected").GetInt32();
        Console.WriteLine($"    import {kind}: {root.GetProperty("rows").GetInt32()} rows, {written} written, {rejected} rejected in {watch.Elapsed.TotalSeconds:0.0} s");
        if (rejected > 0 || written != expected)
        {
            var first = root.GetProperty("results").EnumerateArray().FirstOrDefault(r => r.GetProperty("outcome").GetString() == "rejected");
            throw new InvalidOperationException($"import {kind}: {written} of {expected} rows written, {rejected} rejected; first rejected: {first}");
        }
    }

    private static string Member(int i, string grid) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"name":"党员{{i}}","gender":"{{(i % 3 == 0 ? "female" : "male")}}","birthDate":"{{1940 + (i % 50)}}-0{{1 + (i % 9)}}-1{{i % 10}}","joinedPartyOn":"2010-07-01","education":"bachelor","phone":"139{{i % 100_000_000:D8}}","grid":"{{grid}}","status":"resident","holdsOffice":false}""");

    private static string Household(int i) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"head":"户主{{i}}","address":"{{i}}号","size":{{1 + (i % 6)}}}""");
}
