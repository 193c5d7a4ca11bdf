using GridActors.Grains.Vocabulary;
using System.Diagnostics;
using System.Globalization;
using GridActors.Grains.Leadership;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.Leadership;

/// <summary>
/// The report under load. By default one county of 250 villages (1,250 cadres) on the shared gateway; with
/// GRIDACTORS_BENCHMARK=1, a province: 64 counties × 10 townships × 25 villages = 16,000 villages and 80,000
/// cadres, loaded through the API, then reports timed warm and again after a restart. Run it with
/// <c>GRIDACTORS_BENCHMARK=1 dotnet test tests/GridActors.Tests --filter "FullyQualifiedName~LeadershipLoadTests" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(LeadershipCollection.Name)]
public sealed class LeadershipLoadTests(LeadershipFixture fixture, ITestOutputHelper output)
{
    private const int CadresPerVillage = 5;
    private static readonly bool Province = Environment.GetEnvironmentVariable("GRIDACTORS_BENCHMARK") == "1";

    [Fact]
    public async Task CountyReport_OnceLoaded_ComesBackUnderASecond()
    {
        var (counties, townships, villages) = Province ? (64, 10, 25) : (1, 10, 25);
        GatewayApp? own = Province ? GatewayApp.OnSqlite() : null;
        try
        {
            var http = own?.Start() ?? fixture.Http;
            var codes = Codes(counties, townships, villages);
            var load = Stopwatch.StartNew();
            await Parallel.ForEachAsync(codes.Select(c => c.County).Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (county, _) =>
            {
                await Slates.Ok(http.PutJson($"/api/v1/counties/{county}", """{"name":"县"}"""));
                foreach (var township in codes.Where(c => c.County == county).Select(c => c.Township).Distinct())
                {
                    await Slates.Ok(http.PutJson($"/api/v1/townships/{township}", """{"name":"镇"}"""));
                }
            });
            await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, _) =>
                await Slates.Ok(http.PutJson($"/api/v1/villages/{c.Village}", """{"name":"村","kind":"village"}""")));
            var registered = load.Elapsed;
            await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, _) =>
                await Slates.Ok(http.PutJson($"/api/v1/villages/{c.Village}/terms/2021", TermOf(c.Index))));
            var loaded = load.Elapsed - registered;
            Log($"{codes.Count} villages, {codes.Count * CadresPerVillage} cadres in {counties} counties: units registered in {registered.TotalSeconds:F1} s, "
                + $"terms loaded in {loaded.TotalSeconds:F1} s ({codes.Count / loaded.TotalSeconds:F0} terms/s)");

            var county = codes[^1].County;
            var expected = codes.Count(c => c.County == county);
            var url = $"/api/v1/counties/{county}/leadership?term=2021";
            var (first, median, max) = await Time(http, url, expected);
            Log($"county report ({expected} villages), warm: first {first:F1} ms, median {median:F1} ms, max {max:F1} ms over 20");
            Assert.True(first < 1000, $"the first county report took {first:F0} ms");
            var township = await Time(http, $"/api/v1/townships/{codes[^1].Township}/leadership?term=2021", villages);
            Log($"township report ({villages} villages), warm: median {township.Median:F1} ms");

            if (own is not null)
            {
                await own.DisposeAsync();
                await using var restarted = own.Restarted();
                own = null;
                var cold = restarted.Start();
                var (coldFirst, coldMedian, _) = await Time(cold, url, expected);
                Log($"county report after a restart: first (activates and reads the book) {coldFirst:F1} ms, then median {coldMedian:F1} ms");
                Assert.True(coldFirst < 1000, $"the first county report after a restart took {coldFirst:F0} ms");
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    [Fact]
    public void SummingAProvinceOfVillages_InOnePlace_TakesMilliseconds()
    {
        // The worst case the design avoids: all 16,000 villages summed by one grain.
        var start = new DateOnly(2021, 1, 10);
        var summaries = Enumerable.Range(0, 16_000)
            .Select(i => VillageTermSummary.Of(new VillageTerm(2021, start, Cadres(i, start), DateTimeOffset.UnixEpoch)))
            .ToArray();
        LeadershipReport.Create(LeadershipTotals.Sum(summaries), null); // warm-up
        var watch = Stopwatch.StartNew();
        var report = LeadershipReport.Create(LeadershipTotals.Sum(summaries), null);
        watch.Stop();
        Log($"16,000 village summaries summed and reported in {watch.Elapsed.TotalMilliseconds:F2} ms");
        Assert.Equal((16_000, 80_000), (report.Villages, report.Cadres));
        Assert.True(watch.ElapsedMilliseconds < 1000);
    }

    private async Task<(double First, double Median, double Max)> Time(HttpClient http, string url, int villages)
    {
        var times = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            var report = await http.GetJson(url);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(villages, LeadershipReportApiTests.Int(report, "villages"));
            Assert.Equal(villages * CadresPerVillage, LeadershipReportApiTests.Int(report, "cadres"));
        }
        var rest = times.Skip(1).Order().ToArray();
        return (times[0], rest[rest.Length / 2], rest[^1]);
    }

    private void Log(string line) => output.WriteLine(line);

    private sealed record Codes3(int Index, string County, string Township, string Village);

    /// <summary>Counties 35CC2K (Fujian, clear of the other tests' 34 codes); townships +1TT; villages +2VV.</summary>
    private static List<Codes3> Codes(int counties, int townships, int villages)
    {
        var list = new List<Codes3>();
        for (var c = 0; c < counties; c++)
        {
            var county = string.Create(CultureInfo.InvariantCulture, $"35{c / 8 + 1:D2}{c % 8 + 21:D2}");
            for (var t = 1; t <= townships; t++)
            {
                var township = string.Create(CultureInfo.InvariantCulture, $"{county}1{t:D2}");
                for (var v = 1; v <= villages; v++)
                {
                    list.Add(new Codes3(list.Count, county, township, string.Create(CultureInfo.InvariantCulture, $"{township}2{v:D2}")));
                }
            }
        }
        return list;
    }

    private static readonly string[] Educations = ["primary", "junior", "senior", "vocational", "college", "bachelor", "master"];

    private static string TermOf(int i)
    {
        var rng = new Random(i);
        string Birth() => new DateOnly(1950 + rng.Next(50), 1 + rng.Next(12), 1 + rng.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Edu() => Educations[rng.Next(Educations.Length)];
        string Gender() => rng.Next(3) == 0 ? "female" : "male";
        var oneShoulder = rng.Next(5) < 3;
        return Slates.Term("2021-01-10",
            oneShoulder
                ? Slates.Cadre($"书记{i}", Gender(), Birth(), Edu(), true, "branchSecretary", "villageDirector")
                : Slates.Cadre($"书记{i}", Gender(), Birth(), Edu(), true, "branchSecretary"),
            Slates.Cadre($"副书记{i}", Gender(), Birth(), Edu(), true, "branchDeputySecretary", oneShoulder ? "villageDeputyDirector" : "villageDirector"),
            Slates.Cadre($"委员甲{i}", Gender(), Birth(), Edu(), true, "branchCommitteeMember"),
            Slates.Cadre($"委员乙{i}", Gender(), Birth(), Edu(), false, "villageCommitteeMember"),
            Slates.Cadre($"委员丙{i}", Gender(), Birth(), Edu(), false, "villageCommitteeMember"));
    }

    private static Cadre[] Cadres(int i, DateOnly electedOn)
    {
        var rng = new Random(i);
        Cadre Make(params CadreRole[] roles) => new($"干部{i}", (Gender)rng.Next(2), electedOn.AddYears(-20 - rng.Next(50)), (Education)rng.Next(8), true, roles);
        return
        [
            Make(CadreRole.BranchSecretary, CadreRole.VillageDirector),
            Make(CadreRole.BranchDeputySecretary, CadreRole.VillageDeputyDirector),
            Make(CadreRole.BranchCommitteeMember),
            Make(CadreRole.VillageCommitteeMember),
            Make(CadreRole.VillageCommitteeMember),
        ];
    }
}
