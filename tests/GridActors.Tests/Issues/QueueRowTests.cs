using GridActors.Grains.Infrastructure;
using GridActors.Grains.Queues;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Issues;

/// <summary>
/// A unit's queue keeps each issue as a row of its own, so a change writes that row and not the queue; queues stored
/// the older ways (whole in one row, or in 16 shard rows) are moved into rows when they activate.
/// </summary>
public sealed class QueueRowTests
{
    [Fact]
    public async Task EachIssueIsARow_AndAReportWritesOnlyItsOwn()
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

        var before = await IssueRows(app, County.Grid);
        Assert.Equal(ids.Select(id => Guid.Parse(id)).Order(), before.Keys.Order());
        Assert.All(before.Values, row => Assert.Equal("1", row.ETag));

        var id = Guid.Parse(await Report(http, County.Grid, title: "再一件"));
        var after = await IssueRows(app, County.Grid);
        Assert.Equal(41, after.Count);
        Assert.Equal(id, Assert.Single(after.Keys.Except(before.Keys)));
        Assert.All(before, pair => Assert.Equal(pair.Value.ETag, after[pair.Key].ETag));
        Assert.Equal("再一件", after[id].Row.Entry!.Title);
    }

    [Fact]
    public async Task AQueueStoredWhole_IsMovedIntoRows_AndListsAsBefore()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await Report(http, County.Grid, title: $"纠纷 {i}"));
        }
        var whole = await AsOldQueue(first, County.Grid);
        await Storage(first).WriteStateAsync("issue-queue", QueueId(first, County.Grid), whole);
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal(ids.Order(), (await Queue(again, "grids", County.Grid)).Order());
        Assert.Equal(10, (await IssueRows(second, County.Grid)).Count);
        var head = await Read(second, County.Grid, "issue-queue");
        Assert.Empty(head.State!.Entries);
        Assert.Empty(head.State!.Versions);
    }

    [Fact]
    public async Task AQueueStoredInSixteenShards_IsMovedIntoRows_AndTheShardsAreCleared()
    {
        await using var first = GatewayApp.OnSqlite();
        var http = first.Start();
        await County.Create(http);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await Report(http, County.Grid, title: $"纠纷 {i}"));
        }
        // Store the queue as the sharded version did: entries by the last byte of the id, no issue rows.
        var whole = (await AsOldQueue(first, County.Grid)).State!;
        var shards = Enumerable.Range(0, 16).Select(_ => new IssueQueueState()).ToArray();
        foreach (var (issue, version) in whole.Versions)
        {
            var shard = shards[issue.ToByteArray()[15] % 16];
            shard.Versions[issue] = version;
            shard.Entries[issue] = whole.Entries[issue];
        }
        var storage = Storage(first);
        var queue = QueueId(first, County.Grid);
        for (var i = 0; i < 16; i++)
        {
            if (shards[i].Versions.Count > 0)
            {
                await storage.WriteStateAsync($"issue-queue-{i}", queue, new GrainState<IssueQueueState>(shards[i]));
            }
        }
        await first.DisposeAsync();

        await using var second = first.Restarted();
        var again = second.Start();
        Assert.Equal(ids.Order(), (await Queue(again, "grids", County.Grid)).Order());
        Assert.Equal(12, (await IssueRows(second, County.Grid)).Count);
        var left = await Rows(second).ReadAll(QueueId(second, County.Grid), "issue-queue-");
        Assert.NotEmpty(left);
        Assert.All(left, row => Assert.Null(row.Payload));
    }

    /// <summary>The grid's queue as one <see cref="IssueQueueState"/> holding every entry (the oldest way), its issue rows cleared.</summary>
    private static async Task<GrainState<IssueQueueState>> AsOldQueue(GatewayApp app, string unit)
    {
        var head = await Read(app, unit, "issue-queue");
        var whole = head.State!;
        foreach (var (issue, (row, _)) in await IssueRows(app, unit))
        {
            whole.Versions[issue] = row.Version;
            whole.Entries[issue] = row.Entry!;
        }
        var rows = await IssueRows(app, unit);
        await Rows(app).Write(QueueId(app, unit), rows.Select(r => new RowWrite($"issue-queue/{r.Key:N}", r.Value.ETag, null)).ToList());
        Assert.Empty(await IssueRows(app, unit));
        return head;
    }

    private static IGrainStorage Storage(GatewayApp app) => app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);

    private static IGrainStateRows Rows(GatewayApp app) => (IGrainStateRows)Storage(app);

    private static GrainId QueueId(GatewayApp app, string unit) => app.Service<IGrainFactory>().GetGrain<IIssueQueueGrain>(unit).GetGrainId();

    /// <summary>
    /// The issue rows of the unit's queue as stored, once the queue has written what it applied (its inbox is empty: a
    /// queue writes behind, within a second).
    /// </summary>
    private static async Task<Dictionary<Guid, (QueueRow Row, string ETag)>> IssueRows(GatewayApp app, string unit)
    {
        var rows = Rows(app);
        await Eventually.Get(() => rows.ReadInbox(QueueId(app, unit)), inbox => inbox.Count == 0, "the queue to write what its inbox held");
        return (await rows.ReadAll(QueueId(app, unit), "issue-queue/"))
            .Where(r => r.Payload is not null)
            .ToDictionary(r => Guid.ParseExact(r.StateName["issue-queue/".Length..], "N"), r => (rows.Deserialize<QueueRow>(r.Payload!), r.ETag));
    }

    private static async Task<GrainState<IssueQueueState>> Read(GatewayApp app, string unit, string name)
    {
        var state = new GrainState<IssueQueueState>(new IssueQueueState());
        await Storage(app).ReadStateAsync(name, QueueId(app, unit), state);
        return state;
    }
}
