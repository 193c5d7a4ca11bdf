using System.Diagnostics;
using GridActors.Grains.Queues;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GridActors.Tests.Cluster;

/// <summary>
/// One activation per grain after a silo dies: queues are activated on three silos, one silo is killed, and calls keep
/// reaching every queue while the dead silo's share of the grain directory is recovered. Each activation holds what it
/// applied and reads storage only when it activates, so a second activation of a queue would answer with a stale list.
/// </summary>
public sealed class DirectoryTests(ITestOutputHelper output)
{
    private const int Queues = 600;

    [Fact]
    public async Task AQueueIsNeverActiveTwice_WhenASiloDies_WithTheClusterProfilesDirectory()
    {
        // With strongDirectory: false (Orleans' default directory) this run found no duplicate either on this machine
        // (docs/cluster.md): the guard is for the profile's directory, the duplicate itself is timing-bound.
        var (duplicates, calls) = await KillASiloUnderCalls(strongDirectory: true);
        Assert.True(calls > 0, "no call was answered after the kill");
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} queue(s) active on two silos at once: {string.Join("; ", duplicates.Take(5))}");
    }

    private async Task<(HashSet<string> Duplicates, int Calls)> KillASiloUnderCalls(bool strongDirectory)
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var cluster = await PostgresTestCluster.StartAsync(database, silos: 3, GatewayApp.NewClock(), strongDirectory: strongDirectory);
        var grains = cluster.Client;
        var units = Enumerable.Range(0, Queues).Select(i => $"3408229{i:D8}").ToArray();
        var queueType = grains.GetGrain<IIssueQueueGrain>(units[0]).GetGrainId().Type;
        var management = grains.GetGrain<IManagementGrain>(0);

        // Activate every queue by calls from the silo that will die (as issue grains living there call their queues):
        // the placement spreads the queues over the three silos and the hash their directory records, and the other
        // silos have no cached address for them. The victim is not the test cluster's primary (it holds the in-memory
        // membership).
        var victim = cluster.Cluster.Silos[2];
        var fromVictim = victim.ServiceProvider.GetRequiredService<IGrainFactory>();
        await Task.WhenAll(units.Select(unit => Retry.Call(() => ClusterCounty.QueueOf(fromVictim, unit))));
        var before = (await management.GetDetailedGrainStatistics()).Count(a => a.GrainId.Type == queueType);

        // Kill it, then keep calling every queue from the two live silos (as issue grains there would) and sample which
        // silos host each queue.
        var callers = cluster.Cluster.Silos.Where(s => s != victim).Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>()).ToArray();
        await cluster.Cluster.KillSiloAsync(victim);
        var duplicates = new HashSet<string>();
        var calls = 0;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        for (var round = 0; watch.Elapsed < TimeSpan.FromSeconds(40) && round < 30; round++)
        {
            var results = await Task.WhenAll(units.Select(async (unit, i) =>
            {
                try
                {
                    await ClusterCounty.QueueOf(callers[(i + round) % callers.Length], unit);
                    return true;
                }
                catch (Exception)
                {
                    return false;
                }
            }));
            calls += results.Count(ok => ok);
            failed += results.Count(ok => !ok);
            var activations = await Retry.Call(() => management.GetDetailedGrainStatistics());
            foreach (var twice in activations.Where(a => a.GrainId.Type == queueType).GroupBy(a => a.GrainId).Where(g => g.Count() > 1))
            {
                if (duplicates.Add(twice.Key.ToString()))
                {
                    output.WriteLine($"round {round} at {watch.ElapsedMilliseconds} ms: {twice.Key} active on {string.Join(", ", twice.Select(a => a.SiloAddress))}");
                }
            }
            await Task.Delay(200);
        }
        var after = (await Retry.Call(() => management.GetDetailedGrainStatistics())).Count(a => a.GrainId.Type == queueType);
        output.WriteLine($"{(strongDirectory ? "strong" : "default")} directory: {Queues} queues, {before} activations before the kill; "
            + $"{calls} calls answered and {failed} failed over {watch.ElapsedMilliseconds} ms after killing {victim.Name}; "
            + $"{duplicates.Count} queue(s) seen active twice; {after} activations at the end");
        return (duplicates, calls);
    }
}
