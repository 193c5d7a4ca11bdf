using GridActors.Grains.Categories;
using GridActors.Grains.Issues;
using GridActors.Grains.Queues;
using GridActors.Grains.Units;

namespace GridActors.Tests.Cluster;

/// <summary>
/// A county registered straight through the grains, for tests that talk to a cluster without a gateway:
/// 怀宁县 340822, township 340822100, <see cref="Villages"/> villages with <see cref="GridsPerVillage"/> grids each,
/// and a category <see cref="Category"/> whose grid deadline is one hour (every other level: a week).
/// </summary>
internal sealed class ClusterCounty(int villages = 4, int gridsPerVillage = 3)
{
    public const string County = "340822";
    public const string Township = "340822100";
    public const string Category = "cluster-test";

    public static readonly TimeSpan GridDeadline = TimeSpan.FromHours(1);

    public int Villages { get; } = villages;

    public int GridsPerVillage { get; } = gridsPerVillage;

    public IReadOnlyList<string> VillageCodes => [.. Enumerable.Range(1, Villages).Select(v => $"{Township}{200 + v:D3}")];

    public IReadOnlyList<string> GridCodes => [.. VillageCodes.SelectMany(v => Enumerable.Range(1, GridsPerVillage).Select(g => $"{v}{g:D3}"))];

    public static string VillageOf(string grid) => grid[..12];

    public async Task Register(IGrainFactory grains)
    {
        await Upsert(grains, County, new UnitDetails("怀宁县"));
        await Upsert(grains, Township, new UnitDetails("高河镇"));
        foreach (var village in VillageCodes)
        {
            await Upsert(grains, village, new UnitDetails($"村 {village[^3..]}", "village"));
        }
        foreach (var grid in GridCodes)
        {
            await Upsert(grains, grid, new UnitDetails($"网格 {grid[^6..]}"));
        }
        var week = TimeSpan.FromDays(7);
        await grains.GetGrain<ICategoryCatalogGrain>(County).Put(
            new Category(Category, "集群测试 cluster test", new CategoryDeadlines(GridDeadline, week, week, week)));
    }

    public static NewIssue NewIssue(string grid, Guid id) =>
        new(grid, Category, $"事件 {id:N}", "集群测试", null, new Reporter("张三", "13800000000"), [], Fingerprint: $"fp-{id:N}", By: "网格员", TraceParent: null);

    /// <summary>Every issue id listed in the queue of <paramref name="unit"/>, page by page.</summary>
    public static async Task<List<Guid>> QueueOf(IGrainFactory grains, string unit)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await grains.GetGrain<IIssueQueueGrain>(unit).List(new QueueQuery(QueueFilter.All, null, null, cursor, 500));
            ids.AddRange(page.Items.Select(i => i.IssueId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task Upsert(IGrainFactory grains, string code, UnitDetails details)
    {
        var outcome = await grains.GetUnit(UnitCode.Parse(code)).Upsert(details);
        Assert.True(outcome.Status is UpsertStatus.Created or UpsertStatus.Updated, $"{code}: {outcome.Status}");
    }
}
