using GridActors.Grains.Infrastructure;
using GridActors.Grains.Queues;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

/// <summary>A unit's queue is stored as shards by issue id, so a change rewrites one shard, not the whole queue.</summary>
public sealed class QueueShardTests
{
    [Fact]
    public async Task Reports_AreSpreadOverShards_AndAReportRewritesOneShard()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await Report(http, County.Grid, title: $"纠纷 {i}"));
        }
        Assert.Equal(ids.Order(), (await Queue(http, "grids", County.Grid, "?limit=200")).Order());

        var (head, shards) = await Rows(app, County.Grid);
        Assert.Empty(head.State!.Entries);
        Assert.Equal(40, shards.Sum(s => s.State!.Entries.Count));
        Assert.True(shards.Count(s => s.State!.Entries.Count > 0) > 4, "40 random ids should fall in more than 4 of 16 shards");

        // One more report changes the version of exactly one shard row.
        var before = shards.Select(s => s.ETag).ToArray();
        var id = await Report(http, County.Grid, title: "再一件");
        var after = (await Rows(app, County.Grid)).Shards;
        var changed = Enumerable.Range(0, after.Length).Where(i => after[i].ETag != before[i]).ToArray();
        var shard = Assert.Single(changed);
        Assert.Contains(Guid.Parse(id), after[shard].State!.Entries.Keys);
    }

    [Fact]
    public async Task AQueueStoredWhole_IsMovedIntoItsShards_AndListsAsBefore()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await Report(http, County.Grid, title: $"纠纷 {i}"));
        }

        // Store the queue as it was stored before sharding: every entry in the head row, the shards empty.
        var storage = Storage(first);
        var queue = QueueId(first, County.Grid);
        var (head, shards) = await Rows(first, County.Grid);
        foreach (var shard in shards)
        {
            foreach (var (key, entry) in shard.State!.Entries)
            {
                head.State!.Entries[key] = entry;
            }
            foreach (var (key, version) in shard.State!.Versions)
            {
                head.State!.Versions[key] = version;
            }
        }
        await storage.WriteStateAsync("issue-queue", queue, head);
        for (var i = 0; i < shards.Length; i++)
        {
            if (shards[i].ETag is not null)
            {
                shards[i].State = new IssueQueueState();
                await storage.WriteStateAsync($"issue-queue-{i}", queue, shards[i]);
            }
        }
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal(ids.Order(), (await Queue(again, "grids", County.Grid)).Order());
        var (movedHead, movedShards) = await Rows(second, County.Grid);
        Assert.Empty(movedHead.State!.Entries);
        Assert.Empty(movedHead.State!.Versions);
        Assert.Equal(10, movedShards.Sum(s => s.State!.Entries.Count));
    }

    private static IGrainStorage Storage(GatewayApp app) => app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);

    private static GrainId QueueId(GatewayApp app, string unit) => app.Service<IGrainFactory>().GetGrain<IIssueQueueGrain>(unit).GetGrainId();

    private static async Task<(GrainState<IssueQueueState> Head, GrainState<IssueQueueState>[] Shards)> Rows(GatewayApp app, string unit)
    {
        var storage = Storage(app);
        var queue = QueueId(app, unit);
        var head = new GrainState<IssueQueueState>(new IssueQueueState());
        await storage.ReadStateAsync("issue-queue", queue, head);
        var shards = new GrainState<IssueQueueState>[16];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new GrainState<IssueQueueState>(new IssueQueueState());
            await storage.ReadStateAsync($"issue-queue-{i}", queue, shards[i]);
        }
        return (head, shards);
    }
}
