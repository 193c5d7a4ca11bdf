using System.Diagnostics;
using GridActors.Grains.Issues;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Units;
using GridActors.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace GridActors.Tests.Cluster;

/// <summary>
/// Three silos on one PostgreSQL database; one of them is killed (no graceful deactivation: its activations
/// and its memory stream queues are lost) while reports and escalations are flowing.
/// </summary>
public sealed class SiloLossTests(ITestOutputHelper output)
{
    private const int Callers = 12;
    private const int Reports = 300;

    [Fact]
    public async Task ASiloKilledMidBurst_LosesNoAcknowledgedIssueOrEscalation_AndDeadlinesStillFire()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(database, silos: 3, GatewayApp.NewClock());
        var grains = cluster.Client;
        var county = new ClusterCounty(villages: 4, gridsPerVillage: 3);
        await county.Register(grains);
        var dispatcher = grains.GetGrain<IWakeUpDispatcherGrain>(0);
        await dispatcher.Start();

        // Kill the silo that runs the wake-up dispatcher (deadlines must survive it), whichever of the three it is.
        var victim = cluster.SiloOf(dispatcher) ?? cluster.Cluster.Silos[1];
        var burst = new Burst(grains, county.GridCodes);
        var flowing = burst.Run(Callers, Reports);
        await Eventually.Get(() => Task.FromResult(burst.AcknowledgedCount), n => n >= Reports / 4, "a quarter of the burst", seconds: 60);
        burst.MarkKill();
        await cluster.Cluster.KillSiloAsync(victim);
        await flowing;

        var (before, beforeMs) = burst.BeforeKill;
        output.WriteLine($"burst: {Reports} reports (every second one then escalated) by {Callers} callers; {before} acknowledged in the first {beforeMs} ms "
            + $"({before * 1000.0 / Math.Max(1, beforeMs):F0}/s), then {victim.Name} (running the wake-up dispatcher) was killed; all done after {burst.ElapsedMs} ms");
        output.WriteLine($"reports: {burst.Reported.Count} acknowledged, {burst.ReportsGivenUp} given up; {burst.FailedReportAttempts} failed attempts were retried "
            + $"({burst.FailedReportAttemptsAfterKill} after the kill); slowest acknowledged report {burst.SlowestReportMs} ms");
        output.WriteLine($"escalations: {burst.EscalationCalls} asked, {burst.Escalated.Count} acknowledged, {burst.EscalationUnknown.Count} failed (the caller then read the issue)");
        foreach (var failure in burst.Failures)
        {
            output.WriteLine("  failed call at " + failure);
        }

        // The callers kept getting answers: every report was acknowledged, at worst after a retry.
        Assert.Equal(0, burst.ReportsGivenUp);
        Assert.Equal(Reports, burst.Reported.Count);
        Assert.All(burst.Escalated, e => Assert.Equal(ClusterCounty.VillageOf(burst.Reported[e.Key]), e.Value));

        // Stream events queued on the dead silo are gone; each issue's outbox asked for a wake-up a minute later.
        var settle = Stopwatch.StartNew();
        var (rounds, where, wrong) = await Settle(cluster, county, burst);
        output.WriteLine($"queues: {(wrong.Length == 0 ? "consistent" : "STILL WRONG")} after {rounds} dispatcher round(s) of 1 domain minute, "
            + $"{settle.ElapsedMilliseconds} ms after the burst, {burst.ElapsedMs - burst.BeforeKill.Ms} ms after the kill");
        await PrintDuplicateQueues(cluster);
        if (wrong.Length > 0)
        {
            await Explain(database, cluster, county, burst, wrong);
        }
        Assert.True(wrong.Length == 0, $"{wrong.Length} issue(s) not exactly once in the right queue: {string.Join("; ", wrong.Take(10).Select(w => w.Problem))}");

        // Each acknowledged issue exists once: one stored row, and the grain answers with the holder its queue names.
        Assert.Equal(Reports, await CountStoredIssues(database, cluster.ServiceId));
        var views = await Task.WhenAll(burst.Reported.Keys.Select(id => Retry.Call(() => grains.GetGrain<IIssueGrain>(id).Get())));
        Assert.All(views, view =>
        {
            Assert.NotNull(view);
            Assert.Equal(where[view.Id].Single(), view.Holder);
            Assert.Equal(burst.Reported[view.Id], view.OriginGrid);
            Assert.Single(view.History, h => h.To == IssueStatus.Reported && h.Unit == view.OriginGrid);
        });
        var escalated = views.Count(v => v!.HolderLevel == UnitLevel.Village);
        output.WriteLine($"checked: {views.Length} acknowledged issues exist exactly once ({Reports} stored rows), each listed by exactly one queue, its holder's; "
            + $"{burst.Escalated.Count} acknowledged escalations each once in its village queue; {escalated} issues at a village in all");

        // Deadlines still fire: everything still at a grid escalates to its village by deadline. A deadline call to an
        // issue is one-way and told again after 5 domain minutes if it did not move the issue, so time keeps moving.
        var atGrid = views.Where(v => v!.HolderLevel == UnitLevel.Grid).Select(v => v!.Id).ToHashSet();
        await cluster.Advance(ClusterCounty.GridDeadline);
        var deadline = Stopwatch.StartNew();
        Guid[] late = [.. atGrid];
        for (var round = 0; round < 8 && late.Length > 0; round++)
        {
            await cluster.Advance(TimeSpan.FromMinutes(6));
            await Task.Delay(300);
            where = await Locate(grains, county);
            late = [.. atGrid.Where(id => where.GetValueOrDefault(id) is not [var unit] || unit != ClusterCounty.VillageOf(burst.Reported[id]))];
        }
        var deadlineViews = await Task.WhenAll(atGrid.Select(id => Retry.Call(() => grains.GetGrain<IIssueGrain>(id).Get())));
        var byDeadline = deadlineViews.Count(v => v!.HolderLevel == UnitLevel.Village && v.History[^2] is { To: IssueStatus.Escalated, Reason: EscalationReason.Deadline });
        output.WriteLine($"deadlines: {byDeadline} of the {atGrid.Count} issues left at a grid escalated by deadline into their village queue ({deadline.ElapsedMilliseconds} ms)");
        Assert.Empty(late);
        Assert.Equal(atGrid.Count, byDeadline);
        Assert.All(county.GridCodes, grid => Assert.DoesNotContain(where, w => w.Value.Contains(grid)));
    }

    private static async Task<(int Rounds, Dictionary<Guid, List<string>> Where, Misplacement[] Wrong)> Settle(
        PostgresTestCluster cluster, ClusterCounty county, Burst burst)
    {
        // Stream queues the dead silo was reading are taken over by the others within seconds; until then the
        // events re-sent into them wait. One domain minute per round keeps the grid deadline (an hour) far away.
        Dictionary<Guid, List<string>> where = [];
        Misplacement[] wrong = [];
        var rounds = 0;
        for (var patience = Stopwatch.StartNew(); rounds < 40 && patience.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(500))
        {
            rounds++;
            await cluster.Advance(TimeSpan.FromMinutes(1));
            where = await Locate(cluster.Client, county);
            wrong = Misplaced(burst, where);
            if (wrong.Length == 0)
            {
                break;
            }
        }
        return (rounds, where, wrong);
    }

    /// <summary>
    /// Prints what the silos logged about the misplaced issues, then reads each once (which reactivates it and
    /// re-sends its outbox) and says whether that alone put it right: the notice was kept, only nothing woke it.
    /// </summary>
    private async Task Explain(PostgresDatabase database, PostgresTestCluster cluster, ClusterCounty county, Burst burst, Misplacement[] wrong)
    {
        foreach (var w in wrong.Take(5))
        {
            output.WriteLine($"misplaced: {w.Problem}");
            foreach (var line in cluster.Log.Mentioning(w.Id.ToString("N")).Concat(cluster.Log.Mentioning(w.Id.ToString())).Take(10))
            {
                output.WriteLine("  log: " + line[..Math.Min(line.Length, 400)]);
            }
        }
        // What storage holds for them: a queue row written by some activation, or a notice still in an inbox. A row
        // stored but not listed means the activation that answered never read it (another activation of the same queue
        // wrote it).
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var w in wrong.Take(5))
            {
                await using var command = new NpgsqlCommand(
                    "SELECT 'row ' || grain_id || ' ' || state_name || ' v' || version || ' at ' || to_char(modified_at, 'HH24:MI:SS.MS') FROM grain_states "
                    + "WHERE service_id = @service AND state_name = @row "
                    + "UNION ALL SELECT 'inbox ' || post_name FROM grain_inbox WHERE service_id = @service AND position(@id in encode(payload, 'escape')) > 0", connection);
                command.Parameters.AddWithValue("service", cluster.ServiceId);
                command.Parameters.AddWithValue("row", "issue-queue/" + w.Id.ToString("N"));
                command.Parameters.AddWithValue("id", w.Id.ToString());
                await using var reader = await command.ExecuteReaderAsync();
                var stored = new List<string>();
                while (await reader.ReadAsync())
                {
                    stored.Add(reader.GetString(0));
                }
                output.WriteLine($"stored for {w.Id}: {(stored.Count == 0 ? "nothing" : string.Join("; ", stored))}");
            }
        }
        foreach (var w in wrong)
        {
            await Retry.Call(() => cluster.Client.GetGrain<IIssueGrain>(w.Id).Get());
        }
        await Task.Delay(500);
        var after = Misplaced(burst, await Locate(cluster.Client, county));
        output.WriteLine($"after reading each misplaced issue once: {wrong.Length - after.Length} of {wrong.Length} put right");
    }

    /// <summary>Prints every queue that is active on more than one silo at once: each activation holds what it applied.</summary>
    private async Task PrintDuplicateQueues(PostgresTestCluster cluster)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var queueType = cluster.Client.GetGrain<GridActors.Grains.Queues.IIssueQueueGrain>(ClusterCounty.Township).GetGrainId().Type;
        var activations = (await Retry.Call(() => management.GetDetailedGrainStatistics())).Where(a => a.GrainId.Type == queueType).ToArray();
        foreach (var twice in activations.GroupBy(a => a.GrainId).Where(g => g.Count() > 1))
        {
            output.WriteLine($"queue {twice.Key} active {twice.Count()} times: {string.Join(", ", twice.Select(a => a.SiloAddress))}");
        }
        output.WriteLine($"queue activations: {activations.Length}, of {activations.Select(a => a.GrainId).Distinct().Count()} queues");
    }

    private sealed record Misplacement(Guid Id, string Problem);

    /// <summary>Every queue (grids, villages, the township) read once: issue id → the units whose queue lists it.</summary>
    private static async Task<Dictionary<Guid, List<string>>> Locate(IGrainFactory grains, ClusterCounty county)
    {
        var units = county.GridCodes.Concat(county.VillageCodes).Append(ClusterCounty.Township).ToArray();
        var queues = await Task.WhenAll(units.Select(async unit => (unit, ids: await Retry.Call(() => ClusterCounty.QueueOf(grains, unit)))));
        var where = new Dictionary<Guid, List<string>>();
        foreach (var (unit, ids) in queues)
        {
            foreach (var id in ids)
            {
                (where.TryGetValue(id, out var list) ? list : where[id] = []).Add(unit);
            }
        }
        return where;
    }

    private static Misplacement[] Misplaced(Burst burst, Dictionary<Guid, List<string>> where)
    {
        List<string> Units(Guid id) => where.GetValueOrDefault(id) ?? [];
        var wrong = new List<Misplacement>();
        void Expect(Guid id, string what, params string[] allowed)
        {
            if (Units(id) is not [var only] || !allowed.Contains(only))
            {
                wrong.Add(new Misplacement(id, $"{what} {id} expected in {string.Join(" or ", allowed)}, listed in [{string.Join(",", Units(id))}]"));
            }
        }
        foreach (var (id, village) in burst.Escalated)
        {
            Expect(id, "acknowledged escalation", village);
        }
        foreach (var (id, grid) in burst.NotEscalated)
        {
            Expect(id, "acknowledged report", grid);
        }
        foreach (var (id, grid) in burst.EscalationUnknown)
        {
            Expect(id, "failed escalation", grid, ClusterCounty.VillageOf(grid));
        }
        return [.. wrong];
    }

    private static async Task<long> CountStoredIssues(PostgresDatabase database, string serviceId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM grain_states WHERE service_id = @service AND state_name = 'issue' AND payload IS NOT NULL", connection);
        command.Parameters.AddWithValue("service", serviceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
