using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GridActors.Grains.Audit;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Tests.Access;

/// <summary>
/// The audit log of personal-data reads (个人信息查阅记录) as an admin reads it: in the order the reads were recorded, page by
/// page, only within the admin's jurisdiction, after thousands of entries and after a restart; on both storage profiles.
/// </summary>
public abstract class AuditLogTests
{
    private const string Today = "2026-03-02";

    /// <summary>A gateway on fresh storage, and what to dispose after it (the PostgreSQL database).</summary>
    protected abstract Task<(GatewayApp App, Func<ValueTask> Dispose)> NewApp();

    [Fact]
    public async Task Entries_AreReadBackInTheOrderRecorded_PageByPage_UnderTheirCountyAndChinaDay()
    {
        var (app, dispose) = await NewApp();
        try
        {
            var admin = app.Start();
            var at = app.Clock.GetUtcNow(); // 09:00 on 2 March in China
            var reads = Enumerable.Range(0, 7).Select(i => new AuditRead(at.AddMinutes(i), $"key{i}", $"app{i}", $"read {i}", County.Grid)).ToList();
            await Append(app, reads[..4]);
            await Append(app, new AuditRead(at, "key", "app", "another county", "340823100201001"));
            await Append(app, new AuditRead(at.AddHours(15).AddMinutes(30), "key", "app", "00:30 the next day in China", County.Grid3));
            await Append(app, reads[4..]);

            var pages = await AllPages(admin, $"/api/v1/audit?county={County.Code}&date={Today}", limit: 3);
            Assert.Equal([3, 3, 1], pages.Select(p => p["items"]!.AsArray().Count));
            Assert.All(pages, p => Assert.Equal(7, p["total"]!.GetValue<int>()));
            var items = pages.SelectMany(p => p["items"]!.AsArray()).ToArray();
            Assert.Equal(reads.Select(r => (r.KeyId, r.App, r.What, r.Unit, r.At)),
                items.Select(e => (e!["keyId"].Str(), e["app"].Str(), e["what"].Str(), e["unit"].Str(), e["at"]!.GetValue<DateTimeOffset>())));
            var ids = items.Select(e => e!["id"]!.GetValue<long>()).ToArray();
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Length, ids.Distinct().Count());
            // The cursor is the last entry's id of the page.
            Assert.Equal(ids[2].ToString(CultureInfo.InvariantCulture), pages[0]["nextCursor"].Str());

            var nextDay = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-03");
            Assert.Equal(["00:30 the next day in China"], nextDay["items"]!.AsArray().Select(e => e!["what"].Str()));
            var other = await admin.GetJson($"/api/v1/audit?county=340823&date={Today}");
            Assert.Equal(["another county"], other["items"]!.AsArray().Select(e => e!["what"].Str()));
        }
        finally
        {
            await app.DisposeAsync();
            await dispose();
        }
    }

    [Fact]
    public async Task TwelveThousandEntries_AreAllReadBack_EachAppendInOnePiece_AndTheNextReadIsRecorded()
    {
        var (app, dispose) = await NewApp();
        try
        {
            var admin = app.Start();
            await County.Create(admin);
            var at = app.Clock.GetUtcNow();
            // 120 appends of 100 reads each, all at once: the log commits what queued together, and keeps each append whole.
            await Task.WhenAll(Enumerable.Range(0, 120).Select(a =>
                Append(app, Enumerable.Range(0, 100).Select(i => new AuditRead(at, "bulk", "bulk-app", $"{a}/{i}", County.Grid)).ToArray())));

            var pages = await AllPages(admin, $"/api/v1/audit?county={County.Code}&date={Today}", limit: 200);
            Assert.Equal(60, pages.Count);
            Assert.All(pages, p => Assert.Equal(12_000, p["total"]!.GetValue<int>()));
            var whats = pages.SelectMany(p => p["items"]!.AsArray()).Select(e => e!["what"].Str()).ToArray();
            Assert.Equal(12_000, whats.Distinct().Count());
            foreach (var run in whats.Chunk(100))
            {
                var append = run[0].Split('/')[0];
                Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{append}/{i}"), run);
            }

            // A read of personal data on top of that day is recorded as promptly as the first: it is one more row.
            var handlerKey = await CreateKey(admin, "handler", County.Code);
            var issue = await IssueApi.Report(await Reporter(app, admin), County.Grid);
            await app.ClientWith(handlerKey).GetJson($"/api/v1/issues/{issue}");
            var last = await admin.GetJson($"/api/v1/audit?county={County.Code}&date={Today}&limit=200&cursor={pages[^1]["items"]!.AsArray()[^1]!["id"]}");
            var entry = Assert.Single(last["items"]!.AsArray())!;
            Assert.Equal($"issue {issue} reporter", entry["what"].Str());
            Assert.Equal(12_001, last["total"]!.GetValue<int>());
            Assert.Null(last["nextCursor"]);
        }
        finally
        {
            await app.DisposeAsync();
            await dispose();
        }
    }

    [Fact]
    public async Task AnAdminInsideTheCounty_ReadsOnlyTheEntriesOfItsUnits_AndOneCoveringItReadsThemAll()
    {
        var (app, dispose) = await NewApp();
        try
        {
            var admin = app.Start();
            await County.Create(admin);
            var handler = app.ClientWith(await CreateKey(admin, "handler", County.Code));
            var reporter = await Reporter(app, admin);
            var inVillage = await IssueApi.Report(reporter, County.Grid);
            var inVillage2 = await IssueApi.Report(reporter, County.Grid3);
            await handler.GetJson($"/api/v1/issues/{inVillage}");
            await handler.GetJson($"/api/v1/issues/{inVillage2}");
            await handler.GetJson($"/api/v1/issues/{inVillage}");

            var villageAdmin = app.ClientWith(await CreateKey(admin, "admin", County.Village));
            var village = await AllPages(villageAdmin, $"/api/v1/audit?county={County.Code}&date={Today}", limit: 1);
            Assert.Equal(2, village.Count);
            Assert.All(village, p => Assert.Equal(2, p["total"]!.GetValue<int>()));
            Assert.Equal([$"issue {inVillage} reporter", $"issue {inVillage} reporter"],
                village.SelectMany(p => p["items"]!.AsArray()).Select(e => e!["what"].Str()));

            var expected = new[] { inVillage, inVillage2, inVillage }.Select(id => $"issue {id} reporter");
            foreach (var jurisdiction in new[] { "34", "3408", County.Code, County.Township })
            {
                var wider = app.ClientWith(await CreateKey(admin, "admin", jurisdiction));
                var all = await wider.GetJson($"/api/v1/audit?county={County.Code}&date={Today}");
                Assert.Equal(expected, all["items"]!.AsArray().Select(e => e!["what"].Str()));
                Assert.Equal(3, all["total"]!.GetValue<int>());
            }
            var bootstrap = await admin.GetJson($"/api/v1/audit?county={County.Code}&date={Today}");
            Assert.Equal(expected, bootstrap["items"]!.AsArray().Select(e => e!["what"].Str()));
        }
        finally
        {
            await app.DisposeAsync();
            await dispose();
        }
    }

    [Fact]
    public async Task AnAdminOfAnotherCounty_Gets404_AndSeesNothing()
    {
        var (app, dispose) = await NewApp();
        try
        {
            var admin = app.Start();
            await County.Create(admin);
            var handler = app.ClientWith(await CreateKey(admin, "handler", County.Code));
            await handler.GetJson($"/api/v1/issues/{await IssueApi.Report(await Reporter(app, admin), County.Grid)}");

            foreach (var jurisdiction in new[] { "340823", "340823100201", "3401" })
            {
                var elsewhere = app.ClientWith(await CreateKey(admin, "admin", jurisdiction));
                var response = await elsewhere.GetAsync($"/api/v1/audit?county={County.Code}&date={Today}");
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                await response.AssertProblem(404, County.Code);
            }
            // A handler of the county itself is no admin.
            Assert.Equal(HttpStatusCode.Forbidden, (await handler.GetAsync($"/api/v1/audit?county={County.Code}&date={Today}")).StatusCode);
        }
        finally
        {
            await app.DisposeAsync();
            await dispose();
        }
    }

    [Fact]
    public async Task TheAuditLog_SurvivesARestart_AndGoesOnInOrder()
    {
        var (first, dispose) = await NewApp();
        try
        {
            var admin = first.Start();
            await County.Create(admin);
            var handlerKey = await CreateKey(admin, "handler", County.Code);
            var reporterKey = await CreateKey(admin, "reporter", County.Code);
            var before = await IssueApi.Report(first.ClientWith(reporterKey), County.Grid);
            await first.ClientWith(handlerKey).GetJson($"/api/v1/issues/{before}");
            var written = (await admin.GetJson($"/api/v1/audit?county={County.Code}&date={Today}"))["items"]!.ToJsonString();
            await first.DisposeAsync();

            await using var second = first.Restarted();
            var again = second.Start();
            var read = await again.GetJson($"/api/v1/audit?county={County.Code}&date={Today}");
            Assert.Equal(written, read["items"]!.ToJsonString());

            var after = await IssueApi.Report(second.ClientWith(reporterKey), County.Grid);
            await second.ClientWith(handlerKey).GetJson($"/api/v1/issues/{after}");
            var both = await again.GetJson($"/api/v1/audit?county={County.Code}&date={Today}");
            Assert.Equal([$"issue {before} reporter", $"issue {after} reporter"], both["items"]!.AsArray().Select(e => e!["what"].Str()));
        }
        finally
        {
            await first.DisposeAsync();
            await dispose();
        }
    }

    [Fact]
    public async Task BadQueries_Are400NamingTheField()
    {
        var (app, dispose) = await NewApp();
        try
        {
            var admin = app.Start();
            var cases = new (string Query, string Field, string Rule)[]
            {
                ($"county={County.Code}&date={Today}&cursor=x", "cursor", "nextCursor"),
                ($"county={County.Code}&date={Today}&cursor=1.5", "cursor", "nextCursor"),
                ($"county={County.Code}&date={Today}&limit=0", "limit", "from 1 to 200"),
                ($"county={County.Code}&date=2026-3-2", "date", "YYYY-MM-DD"),
                ($"county={County.Code}", "date", "YYYY-MM-DD"),
                ($"county=3408&date={Today}", "county", "6"),
            };
            foreach (var (query, field, rule) in cases)
            {
                await (await admin.GetAsync("/api/v1/audit?" + query)).AssertInvalid(field, rule);
            }
        }
        finally
        {
            await app.DisposeAsync();
            await dispose();
        }
    }

    private static Task Append(GatewayApp app, params AuditRead[] reads) =>
        app.Services.GetRequiredService<IGrainFactory>().GetAuditLog().Append(reads);

    private static Task Append(GatewayApp app, List<AuditRead> reads) => Append(app, reads.ToArray());

    /// <summary>A client that reports issues without seeing their reporters, so reporting adds nothing to the audit log.</summary>
    private static async Task<HttpClient> Reporter(GatewayApp app, HttpClient admin) => app.ClientWith(await CreateKey(admin, "reporter", County.Code));

    private static async Task<string> CreateKey(HttpClient admin, string role, string jurisdiction)
    {
        var response = await admin.PostJson("/api/v1/keys", $$"""{"app":"{{role}}-{{jurisdiction}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json())["secret"].Str();
    }

    /// <summary>Every page of a list, following nextCursor from the first.</summary>
    private static async Task<List<JsonNode>> AllPages(HttpClient http, string url, int limit)
    {
        var pages = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await http.GetJson($"{url}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.Add(page);
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && pages.Count < 1000);
        return pages;
    }
}

public sealed class SqliteAuditLogTests : AuditLogTests
{
    protected override Task<(GatewayApp App, Func<ValueTask> Dispose)> NewApp() =>
        Task.FromResult((GatewayApp.OnSqlite(), (Func<ValueTask>)(() => ValueTask.CompletedTask)));
}

public sealed class PostgresAuditLogTests : AuditLogTests
{
    protected override async Task<(GatewayApp App, Func<ValueTask> Dispose)> NewApp()
    {
        var database = await PostgresDatabase.CreateAsync();
        return (GatewayApp.OnPostgres(database.ConnectionString), database.DisposeAsync);
    }
}
