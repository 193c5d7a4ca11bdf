using GridActors.Grains.PartyBranches;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using Microsoft.Extensions.Time.Testing;
using static GridActors.Tests.Party.PartyApi;

namespace GridActors.Tests.Party;

/// <summary>
/// The end-of-month activity check and overdue tasks, on the fake clock and across a restart: the clock starts at
/// 22:00 on 31 March, China time, so the month ends two hours later and the scheduler fires about a hundred
/// minutes, not a month of them.
/// </summary>
public sealed class MonthEndTests
{
    private static FakeTimeProvider NearMonthEnd() => new(new DateTimeOffset(2026, 3, 31, 14, 0, 0, TimeSpan.Zero)); // 22:00 in China

    [Fact]
    public async Task AMonthWithoutAnActivity_IsFlaggedByItselfAfterARestart_ToVillageAndTownship_AndAnOverdueTaskToo()
    {
        await using var first = GatewayApp.OnSqlite(NearMonthEnd());
        var http = first.Start();
        await County.Create(http);
        var leader1 = await CreateMember(http, County.Grid, "按时董");
        var leader2 = await CreateMember(http, County.Grid2, "漏了汪");
        await SetUpGroup(http, County.Grid, leader1);
        await SetUpGroup(http, County.Grid2, leader2);
        await Created(await http.PostJson($"/api/v1/grids/{County.Grid}/party-group/activities",
            $$"""{"date":"2026-03-31","kind":"service","topic":"月末志愿服务","attendees":["{{leader1}}"]}"""));

        var task = (await Created(await http.PostJson($"/api/v1/villages/{County.Village}/party-tasks",
            $$"""{"title":"统计春耕用工","due":"2026-03-31","groups":["{{County.Grid}}","{{County.Grid2}}"]}""")))["id"].Str();
        await Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid}/split", $$"""{"by":"{{leader1}}","parts":[{"memberId":"{{leader1}}","work":"统计董屋组"}]}"""));
        await Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid}/members/{leader1}/done",
            """{"note":"已统计","evidence":[{"kind":"document","url":"https://files.example.cn/t.xlsx"}]}"""));
        await Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid2}/split", $$"""{"by":"{{leader2}}","parts":[{"memberId":"{{leader2}}","work":"统计汪屋组"}]}"""));

        var before = (await http.GetJson($"/api/v1/villages/{County.Village}/activity-compliance?month=2026-03")).Items();
        Assert.Equal(["held", "pending"], before.Select(r => r!["status"].Str()).ToArray());
        Assert.Empty((await http.GetJson($"/api/v1/townships/{County.Township}/party-warnings")).Items());
        await (await http.GetAsync($"/api/v1/villages/{County.Village}/party-warnings?kind=late")).AssertInvalid("kind", "must be one of: noMonthlyActivity, taskOverdue");
        await (await http.GetAsync($"/api/v1/townships/{County.Township}/activity-compliance?month=2026-04")).AssertInvalid("month", "must not be after this month");
        await (await http.GetAsync("/api/v1/townships/340822199/party-warnings")).AssertProblem(404);

        // The group asks its township one-way; once the month-end wake-up is stored, stop the silo.
        await Eventually.Get(() => first.Service<IGrainFactory>().GetGrain<ITownshipCommitteeGrain>(County.Township).CheckStatus(),
            s => s.NextCheckAt is not null, "the township's month-end check to be scheduled");
        await first.DisposeAsync();

        // Past midnight on 1 April, China time, on a new silo over the same database.
        await using var second = first.Restarted();
        http = second.Start();
        await IssueApi.Advance(second, TimeSpan.FromHours(2) + TimeSpan.FromMinutes(5));

        var township = await Eventually.Get(() => http.GetJson($"/api/v1/townships/{County.Township}/party-warnings?month=2026-03"),
            w => w.Items().Count > 0, "the township's warning");
        var warning = township.Items().Single()!;
        Assert.Equal(("noMonthlyActivity", County.Grid2, "2026-03"), (warning["kind"].Str(), warning["grid"].Str(), warning["month"].Str()));
        var village = (await http.GetJson($"/api/v1/villages/{County.Village}/party-warnings?kind=noMonthlyActivity")).Items();
        Assert.Equal([County.Grid2], village.Select(w => w!["grid"].Str()).ToArray());
        var overdueWarning = await Eventually.Get(() => http.GetJson($"/api/v1/villages/{County.Village}/party-warnings?kind=taskOverdue"),
            w => w.Items().Count > 0, "the overdue task's warning");
        Assert.Equal((County.Grid2, task), (overdueWarning.Items().Single()!["grid"].Str(), overdueWarning.Items().Single()!["taskId"].Str()));

        var after = (await http.GetJson($"/api/v1/villages/{County.Village}/activity-compliance?month=2026-03")).Items();
        Assert.Equal([("held", false), ("missing", true)], after.Select(r => (r!["status"].Str(), r["flagged"]!.GetValue<bool>())).ToArray());
        Assert.Equal(["2026-03"], (await http.GetJson($"/api/v1/grids/{County.Grid2}/party-group"))["flaggedMonths"].Strings());
        // A township's counts are pushed up from its grids after the flag is written: waited for, as every pushed count.
        await Eventually.Get(() => http.GetJson($"/api/v1/townships/{County.Township}/party-group?month=2026-03"),
            s => s["groupsFlaggedInMonth"]!.GetValue<int>() == 1, "the flagged group counted at the township");
        var april = (await http.GetJson($"/api/v1/villages/{County.Village}/activity-compliance")).Items();
        Assert.Equal(["pending", "pending"], april.Select(r => r!["status"].Str()).ToArray());

        var overdue = await http.GetJson($"/api/v1/party-tasks/{task}");
        Assert.True(overdue["overdue"]!.GetValue<bool>());
        Assert.NotNull(overdue["overdueAt"]);
        Assert.Equal([false, true], overdue["groups"]!.AsArray().Select(g => g!["overdue"]!.GetValue<bool>()).ToArray());
        Assert.Single((await http.GetJson($"/api/v1/villages/{County.Village}/party-tasks?overdue=true")).Items());

        var late = await Ok(await http.PostJson($"/api/v1/party-tasks/{task}/groups/{County.Grid2}/members/{leader2}/done",
            """{"note":"补报","evidence":[{"kind":"photo","url":"https://files.example.cn/l.jpg"}]}"""));
        Assert.Equal("done", late["status"].Str());
        Assert.True(late["groups"]![1]!["parts"]![0]!["doneLate"]!.GetValue<bool>());

        // Running the scheduler again changes nothing: one warning per group and month.
        await IssueApi.Advance(second, TimeSpan.FromMinutes(3));
        Assert.Single((await http.GetJson($"/api/v1/townships/{County.Township}/party-warnings")).Items());
    }
}
