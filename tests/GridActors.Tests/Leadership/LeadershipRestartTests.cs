using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Leadership;

/// <summary>Everything the leadership API acknowledged reads back the same after a restart, and keeps working.</summary>
public sealed class LeadershipRestartTests
{
    [Fact]
    public async Task TermsReportsFilingsTrainingAssessmentsAndRules_SurviveARestart()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await HandWorked.Load(http);
        await Slates.Ok(http.PutJson($"/api/v1/villages/{HandWorked.A1}/terms/2021/filing", """{"status":"filed","filedOn":"2021-02-10"}"""));
        await Slates.Ok(http.PutJson($"/api/v1/counties/{HandWorked.County}/trainings/2025/sessions/spring",
            $$"""{"title":"春季培训班","heldOn":"2025-04-10","attendees":["{{HandWorked.A1}}"]}"""));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{HandWorked.A2}/assessments/2025", """{"rating":"fairlyGood","notes":"较好"}"""));
        await Slates.Ok(http.PutJson($"/api/v1/counties/{HandWorked.County}/slate-rules", """{"minWomen":2,"secretaryMinEducation":"college"}"""));
        string[] reads =
        [
            $"/api/v1/counties/{HandWorked.County}/leadership?term=2021",
            $"/api/v1/townships/{HandWorked.TownshipA}/leadership?term=2021",
            $"/api/v1/villages/{HandWorked.A3}/terms/2021",
            $"/api/v1/villages/{HandWorked.A1}/terms",
            $"/api/v1/counties/{HandWorked.County}/filings?term=2021",
            $"/api/v1/counties/{HandWorked.County}/trainings/2025",
            $"/api/v1/counties/{HandWorked.County}/trainings/2025/untrained",
            $"/api/v1/counties/{HandWorked.County}/assessments/2025",
            $"/api/v1/counties/{HandWorked.County}/slate-rules",
        ];
        var before = new List<string>();
        foreach (var url in reads)
        {
            before.Add((await http.GetJson(url)).ToJsonString());
        }
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        for (var i = 0; i < reads.Length; i++)
        {
            Assert.Equal(before[i], (await again.GetJson(reads[i])).ToJsonString());
        }

        // The books read back from storage still take changes: B1 loses its one-shoulder secretary.
        await Slates.Ok(again.PutJson($"/api/v1/villages/{HandWorked.B1}/terms/2021", Slates.Term("2021-01-15",
            Slates.Cadre("马军", "male", "1966-09-09", "senior", true, "branchSecretary"),
            Slates.Cadre("林静", "female", "1979-01-15", "bachelor", true, "branchCommitteeMember", "villageDirector"),
            Slates.Cadre("黄斌", "male", "1972-03-03", "junior", false, "villageDeputyDirector"))));
        var report = await again.GetJson($"/api/v1/counties/{HandWorked.County}/leadership?term=2021");
        Assert.Equal((2, 50m), (LeadershipReportApiTests.Int(report, "oneShoulderVillages"), LeadershipReportApiTests.Dec(report, "oneShoulderPercent")));
    }
}
