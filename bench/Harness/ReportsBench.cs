using System.Diagnostics;
using System.Globalization;

namespace GridActors.Bench;

/// <summary>
/// B7: p99 of repeated GETs of (a) the county leadership report with a province of villages and cadres loaded
/// (64 counties × 10 townships × 25 villages = 16,000 villages, 80,000 cadres, as LeadershipLoadTests does) and (b) the
/// resolution statistics of a county holding the issues that <c>post-issues</c> reported. Absolute target: 1 s.
/// </summary>
public static class ReportsBench
{
    private static readonly string[] Educations = ["primary", "junior", "senior", "vocational", "college", "bachelor", "master"];

    public static async Task<int> RunAsync(Options options)
    {
        var repeats = options.Int("repeats", 200);
        using var admin = new ServiceClient(options.Get("url"), options.Get("admin"), 32);

        // (a) leadership
        var counties = options.Int("counties", 64);
        var townships = options.Int("townships", 10);
        var villagesPer = options.Int("villages", 25);
        var codes = new List<(string County, string Township, string Village)>();
        for (var c = 0; c < counties; c++)
        {
            var county = string.Create(CultureInfo.InvariantCulture, $"35{(c / 8) + 1:D2}{(c % 8) + 21:D2}");
            for (var t = 1; t <= townships; t++)
            {
                var township = Codes.Township(county, t);
                for (var v = 1; v <= villagesPer; v++)
                {
                    codes.Add((county, township, Codes.Village(township, v)));
                }
            }
        }
        var load = Stopwatch.StartNew();
        await admin.RunAsync(codes.Select(c => c.County).Distinct().Select(c => Call.Put($"/api/v1/counties/{c}", """{"name":"县"}""")), 16);
        await admin.RunAsync(codes.Select(c => c.Township).Distinct().Select(t => Call.Put($"/api/v1/townships/{t}", """{"name":"镇"}""")), 16);
        await admin.RunAsync(codes.Select(c => Call.Put($"/api/v1/villages/{c.Village}", """{"name":"村","kind":"village"}""")), 32);
        var registered = load.Elapsed;
        var (termsIn, _, _) = await admin.RunAsync(codes.Select((c, i) => Call.Put($"/api/v1/villages/{c.Village}/terms/2021", Term(i))), 32);
        Console.WriteLine($"  {codes.Count} villages, {codes.Count * 5} cadres in {counties} counties: units in {registered.TotalSeconds:0.0} s, terms in {termsIn.TotalSeconds:0.0} s ({codes.Count / termsIn.TotalSeconds:0} terms/s)");
        options.Record("b7.leadership.villages", codes.Count);
        options.Record("b7.leadership.cadres", codes.Count * 5);
        var reportCounty = codes[^1].County;
        var perCounty = townships * villagesPer;
        var leadership = await TimeAsync(admin, $"/api/v1/counties/{reportCounty}/leadership?term=2021", repeats,
            json => json.GetProperty("villages").GetInt32() == perCounty && json.GetProperty("cadres").GetInt32() == perCounty * 5);
        options.Record("b7.leadership.first.ms", leadership.First);
        options.Record("b7.leadership.p50.ms", leadership.P50);
        options.Record("b7.leadership.p99.ms", leadership.P99);

        // (b) resolution statistics
        var statsCounty = options.Get("stats-county");
        var expected = options.Int("stats-issues", 0);
        // Statistics are pushed up in batches after the API answers: wait until the county has counted them all.
        var wait = Stopwatch.StartNew();
        long reported = 0;
        while (wait.Elapsed < TimeSpan.FromSeconds(120))
        {
            var stats = await admin.GetJsonAsync($"/api/v1/counties/{statsCounty}/resolution-stats");
            reported = stats.GetProperty("reported").GetInt64();
            if (reported >= expected)
            {
                break;
            }
            await Task.Delay(500);
        }
        Console.WriteLine($"  county {statsCounty}: {reported} issues counted (expected at least {expected}), after {wait.Elapsed.TotalSeconds:0.0} s");
        options.Record("b7.stats.issues", reported);
        var statistics = await TimeAsync(admin, $"/api/v1/counties/{statsCounty}/resolution-stats", repeats, json => json.GetProperty("reported").GetInt64() >= expected);
        options.Record("b7.stats.first.ms", statistics.First);
        options.Record("b7.stats.p50.ms", statistics.P50);
        options.Record("b7.stats.p99.ms", statistics.P99);
        return 0;
    }

    private static async Task<(double First, double P50, double P99)> TimeAsync(ServiceClient client, string path, int repeats, Func<System.Text.Json.JsonElement, bool> check)
    {
        var times = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            var json = await client.GetJsonAsync(path);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (!check(json))
            {
                throw new InvalidOperationException($"GET {path} answered unexpected figures: {json}");
            }
        }
        var rest = times.Skip(1).Order().ToList();
        Console.WriteLine($"  GET {path}: first {times[0]:0.0} ms, p50 {Stats.Percentile(rest, 50):0.00} ms, p99 {Stats.Percentile(rest, 99):0.00} ms over {rest.Count}");
        return (times[0], Stats.Percentile(rest, 50), Stats.Percentile(rest, 99));
    }

    private static string Term(int i)
    {
        var random = new Random(i);
        string Birth() => new DateOnly(1950 + random.Next(50), 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Education() => Educations[random.Next(Educations.Length)];
        string Gender() => random.Next(3) == 0 ? "female" : "male";
        string Cadre(string name, bool member, params string[] roles) =>
            $$"""{"name":"{{name}}{{i}}","gender":"{{Gender()}}","birthDate":"{{Birth()}}","education":"{{Education()}}","partyMember":{{(member ? "true" : "false")}},"roles":[{{string.Join(",", roles.Select(r => $"\"{r}\""))}}]}""";
        var oneShoulder = random.Next(5) < 3;
        var cadres = new[]
        {
            oneShoulder ? Cadre("书记", true, "BranchSecretary", "VillageDirector") : Cadre("书记", true, "BranchSecretary"),
            Cadre("副书记", true, "BranchDeputySecretary", oneShoulder ? "VillageDeputyDirector" : "VillageDirector"),
            Cadre("委员甲", true, "BranchCommitteeMember"),
            Cadre("委员乙", false, "VillageCommitteeMember"),
            Cadre("委员丙", false, "VillageCommitteeMember"),
        };
        return $$"""{"electedOn":"2021-01-10","cadres":[{{string.Join(",", cadres)}}]}""";
    }
}
