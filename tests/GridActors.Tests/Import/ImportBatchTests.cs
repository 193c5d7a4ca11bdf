using GridActors.Grains.Vocabulary;
using System.Net;
using System.Text;
using GridActors.Grains.Households;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Import;

/// <summary>
/// Imports write the rows of a grid (or the children of a unit) together, one grain call and one write for the
/// batch: a refused row must still write nothing, the good rows of its batch must still be written, and a
/// re-import must still report what changed.
/// </summary>
public sealed class ImportBatchTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    private const string Header = "姓名,性别,出生日期,入党日期,学历,手机,网格,状态";
    private const string Unregistered = "340822100201099";

    private IGrainFactory Grains => fixture.App.Service<IGrainFactory>();

    [Fact]
    public async Task Members_RefusedRowsOfABatch_LeaveNoRosterEntry_AndTheGoodRowsAreWritten()
    {
        var first = await (await fixture.Manager.PostCsv("members", $"{Header}\n甲党员,男,1971-01-01,1995-07-01,高中,13900000001,{County.Grid},在村\n")).Report();
        Assert.Equal("created", first.Outcome(2));

        var csv = $"""
            {Header}
            甲党员,男,1971-01-01,1995-07-01,高中,13900000001,{County.Grid2},在村
            乙党员,女,1980-02-02,2005-07-01,本科,13900000002,{County.Grid2},在村
            丙党员,男,1982-03-03,2006-07-01,本科,13900000003,{Unregistered},在村
            丁党员,女,1983-04-04,2007-07-01,本科,13900000004,{County.Grid2},外出务工
            """;
        var report = await (await fixture.Manager.PostCsv("members", csv)).Report();
        Assert.Equal(new[] { "2:rejected", "3:created", "4:rejected", "5:created" }, report.Outcomes());
        Assert.Contains("transfer", report.Errors(2)["grid"]);
        Assert.Contains($"no grid {Unregistered} is registered", report.Errors(4)["grid"]);

        string[] ours = ["甲党员", "乙党员", "丙党员", "丁党员"];
        Assert.Equal(new[] { "丁党员", "乙党员" }, (await Names(County.Grid2)).Intersect(ours).Order());
        Assert.Equal(new[] { "甲党员" }, (await Names(County.Grid)).Intersect(ours));
        var refusedId = report.Json["results"]!.AsArray().Single(r => r!["row"]!.GetValue<int>() == 4)!["key"].Str();
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/api/v1/members/{refusedId}")).StatusCode);

        var again = await (await fixture.Manager.PostCsv("members", csv.Replace("13900000004", "13900000044"))).Report();
        Assert.Equal(new[] { "2:rejected", "3:unchanged", "4:rejected", "5:updated" }, again.Outcomes());
    }

    [Fact]
    public async Task Members_TheGroupLeaderBecomingAMigrant_IsRefused_AndTheOtherRowsOfTheGridAreWritten()
    {
        var csv = $"""
            {Header}
            组长,男,1966-06-06,1990-07-01,高中,13900000006,{County.Grid3},在村
            组员,女,1977-07-07,2001-07-01,高中,13900000007,{County.Grid3},在村
            """;
        var report = await (await fixture.Manager.PostCsv("members", csv)).Report();
        var leaderId = report.Json["results"]![0]!["key"].Str();
        await SetUpGroup(fixture.Admin, County.Grid3, leaderId);

        var changed = await (await fixture.Manager.PostCsv("members", csv.Replace("在村", "外出务工"))).Report();
        Assert.Equal(new[] { "2:rejected", "3:updated" }, changed.Outcomes());
        Assert.Contains("leads the Party group", changed.Errors(2)["status"]);
        Assert.Equal("resident", (await fixture.Admin.GetJson($"/api/v1/members/{leaderId}"))["status"].Str());
        var roster = (await fixture.Admin.GetJson($"/api/v1/grids/{County.Grid3}/members?limit=200")).Items();
        Assert.Equal("resident", roster.Single(m => m!["name"].Str() == "组长")!["status"].Str());
        Assert.Equal("migrant", roster.Single(m => m!["name"].Str() == "组员")!["status"].Str());
    }

    [Fact]
    public async Task Members_WrittenByAnotherCallBetweenPlanAndApply_AreStale_AndTheRosterShowsWhatWasWritten()
    {
        var id = Guid.NewGuid();
        var member = Grains.GetMember(id);
        var details = new MemberDetails("戊党员", Gender.Male, new DateOnly(1975, 5, 5), new DateOnly(2000, 7, 1), Education.Senior,
            "13900000005", County.Grid, MemberStatus.Resident, false, MemberCard.Empty);
        Assert.Equal(PartyStatus.Done, (await member.Register(details, null)).Status);

        var import = new MemberImport(details with { Status = MemberStatus.Migrant }, KeepsOffice: true);
        var plan = await member.PlanImport(import);
        Assert.Equal(ImportChange.Updated, plan.Result.Change);
        Assert.Equal(PartyStatus.Done, (await member.Update(details with { Status = MemberStatus.Elderly }, null)).Status);
        var group = Grains.GetPartyGroup(County.Grid);
        Assert.True((await group.SyncMembers([new RosterSync(plan.Entry!, Joins: false)])).Single().Accepted);

        var applied = await member.ApplyImport(import, plan.Version);
        Assert.Equal(PartyStatus.Stale, applied.Status);
        Assert.Equal(MemberStatus.Elderly, (await member.Get())!.Details.Status);
        Assert.Equal(MemberStatus.Elderly, (await group.Roster()).Single(e => e.MemberId == id).Status);
    }

    [Fact]
    public async Task Households_ABatchWritesItsGoodRowsOnly_AndAReimportReportsUnchangedAndUpdated()
    {
        var households = Grains.GetGrain<IGridHouseholdsGrain>(County.Grid);
        var good1 = new HouseholdImport(Guid.NewGuid(), Details("董一", "董屋1号"));
        var bad = new HouseholdImport(Guid.NewGuid(), Details("董二", "董屋2号") with { MemberIds = [Guid.NewGuid()] });
        var good2 = new HouseholdImport(Guid.NewGuid(), Details("董三", "董屋3号"));

        var first = await households.Import([good1, bad, good2]);
        Assert.Equal(new[] { ImportChange.Created, ImportChange.Refused, ImportChange.Created }, first.Select(r => r.Change));
        Assert.Equal("memberIds[0]", first[1].Field);
        Assert.Equal(new[] { good1.Id, good2.Id }.Order(), (await households.List()).Select(h => h.Id).Order());
        Assert.Null(await households.Get(bad.Id));

        var again = await households.Import([good1, bad, good2 with { Details = good2.Details with { Phone = "13900000009" } }]);
        Assert.Equal(new[] { ImportChange.Unchanged, ImportChange.Refused, ImportChange.Updated }, again.Select(r => r.Change));
        Assert.Equal(2, (await households.Get(good2.Id))!.Version);
        Assert.Equal("13900000009", (await households.Get(good2.Id))!.Details.Phone);

        var nowhere = await Grains.GetGrain<IGridHouseholdsGrain>(Unregistered).Import([good1]);
        Assert.Equal("grid", nowhere.Single().Field);
        Assert.Empty(await Grains.GetGrain<IGridHouseholdsGrain>(Unregistered).List());
    }

    [Fact]
    public async Task Members_AnUnsortedFileLongerThanABatch_IsWrittenWhole_AndTheEarlierRowOfAMemberGoesFirst()
    {
        var grids = new[] { County.Grid, County.Grid2 };
        var csv = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 300; i++)
        {
            csv.Append($"批量{i},男,1960-01-{1 + (i % 28):D2},1990-07-01,高中,139{i:D8},{grids[i % 2]},在村\n");
        }
        csv.Append($"批量0,男,1960-01-01,1990-07-01,高中,13900000000,{County.Grid3},在村\n"); // row 302: the member of row 2, in another grid
        var report = await (await fixture.Manager.PostCsv("members", csv.ToString())).Report();
        Assert.Equal(300, report.Count("created"));
        Assert.Equal("rejected", report.Outcome(302));
        Assert.Contains($"the member is in grid {County.Grid}", report.Errors(302)["grid"]);
        foreach (var grid in grids)
        {
            Assert.Equal(150, (await Names(grid)).Count(n => n.StartsWith("批量", StringComparison.Ordinal)));
        }

        var again = await (await fixture.Manager.PostCsv("members", csv.ToString())).Report();
        Assert.Equal((0, 0, 300, 1), (again.Count("created"), again.Count("updated"), again.Count("unchanged"), again.Count("rejected")));
    }

    private async Task<string[]> Names(string grid) =>
        (await fixture.Admin.GetJson($"/api/v1/grids/{grid}/members?limit=200")).Items().Select(m => m!["name"].Str()).ToArray();

    private static HouseholdDetails Details(string head, string address) =>
        new(head, address, null, 3, [], null, false, null, [], false, false, []);
}
