using System.Diagnostics;
using GridActors.Grains.Issues;
using GridActors.Grains.Scheduling;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.Cluster;

/// <summary>A silo that crashed is started again on the same storage: nobody calls anything, and the work it owed still happens.</summary>
public sealed class RestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASiloRestartedOnTheSameStorage_ResumesItsReminderAndOutboxes_WithoutAnyCall()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var clock = GatewayApp.NewClock();
        var county = new ClusterCounty(villages: 1, gridsPerVillage: 2);
        var (grid, otherGrid, village) = (county.GridCodes[0], county.GridCodes[1], county.VillageCodes[0]);
        Guid escalated = Guid.NewGuid(), waiting = Guid.NewGuid();
        string serviceId;
        var reminderRegistered = Stopwatch.StartNew();

        // First life: its stream queues are read once an hour, so a published escalation is still in memory when it dies.
        await using (var first = await PostgresTestCluster.StartAsync(database, silos: 1, clock, pollingPeriodMs: 3_600_000))
        {
            serviceId = first.ServiceId;
            var grains = first.Client;
            await grains.GetGrain<IWakeUpDispatcherGrain>(0).Start();
            reminderRegistered.Restart();
            await county.Register(grains);
            Assert.True((await grains.GetGrain<IIssueGrain>(escalated).Report(ClusterCounty.NewIssue(grid, escalated))).Created);
            var outcome = await grains.GetGrain<IIssueGrain>(escalated).Act(new IssueCommand(IssueAction.Escalate, "网格员", "需村里协调"));
            Assert.Equal(village, outcome.Issue!.Holder);
            Assert.True((await grains.GetGrain<IIssueGrain>(waiting).Report(ClusterCounty.NewIssue(otherGrid, waiting))).Created);
            Assert.Empty(await ClusterCounty.QueueOf(grains, village));
            await first.Cluster.KillSiloAsync(first.Cluster.Silos[0]);
        }

        // Second life on the same database and service id. Domain time passes the grid deadline; then the test only
        // watches: the dispatcher's durable reminder (registered in the first life, every minute) must fire by itself.
        await using var second = await PostgresTestCluster.StartAsync(database, silos: 1, clock, serviceId);
        var restartedAfter = reminderRegistered.ElapsedMilliseconds;
        clock.Advance(ClusterCounty.GridDeadline + TimeSpan.FromMinutes(2));
        var waited = Stopwatch.StartNew();
        var queue = await Eventually.Get(() => ClusterCounty.QueueOf(second.Client, village), q => q.Count == 2,
            "the reminder to fire and both issues to reach the village queue", seconds: 100);
        output.WriteLine($"restart: the silo was killed and a new one started {restartedAfter} ms after the reminder was registered; "
            + $"the reminder fired by itself and both issues were in the village queue {waited.ElapsedMilliseconds} ms later");

        Assert.Equal(new[] { escalated, waiting }.Order(), queue.Order());
        Assert.Empty(await ClusterCounty.QueueOf(second.Client, grid));
        Assert.Empty(await ClusterCounty.QueueOf(second.Client, otherGrid));
        var byDeadline = await second.Client.GetGrain<IIssueGrain>(waiting).Get();
        Assert.Equal(EscalationReason.Deadline, byDeadline!.History[^2].Reason);
        var resent = await second.Client.GetGrain<IIssueGrain>(escalated).Get();
        Assert.Equal(EscalationReason.Manual, resent!.History[^2].Reason);
        output.WriteLine("resumed: the escalation lost with the first silo's memory was sent again from the issue's outbox; the other issue escalated by its grid deadline");
    }
}
