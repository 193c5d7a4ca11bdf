using GridActors.Grains.Households;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using Orleans.Concurrency;

namespace GridActors.Grains.PartyRollups;

/// <summary>
/// Views over the grids under a unit: counts, activity compliance, post coverage, Party member homes. The counts of a
/// township, county, city or province are read from the unit's statistics grain, where each grid's group pushes its
/// figures up the tree (one call whatever the number of grids); a village's counts, and the lists naming every grid,
/// are read from the grids' grains in parallel (docs/party-network.md).
/// </summary>
[Alias("GridActors.IPartyRollupGrain")]
public interface IPartyRollupGrain : IGrainWithIntegerKey
{
    /// <summary>Null when the unit is not registered.</summary>
    [Alias("Summary")]
    Task<PartySummary?> Summary(UnitCode unit, PartyMonth month);

    [Alias("Compliance")]
    Task<IReadOnlyList<ComplianceRow>?> Compliance(UnitCode unit, PartyMonth month);

    [Alias("PostCoverage")]
    Task<IReadOnlyList<GridPostCoverage>?> PostCoverage(UnitCode unit);

    [Alias("Homes")]
    Task<IReadOnlyList<PartyMemberHome>?> Homes(UnitCode unit);
}

[StatelessWorker]
internal sealed class PartyRollupGrain(GridClock clock) : Grain, IPartyRollupGrain
{
    public async Task<PartySummary?> Summary(UnitCode unit, PartyMonth month)
    {
        if (unit.Level == UnitLevel.Village)
        {
            // A handful of grids, read as they are this moment: a village's staff see their own change at once.
            return await CountedFromGrids(unit, month);
        }
        if (!await GrainFactory.GetUnit(unit).IsRegistered())
        {
            return null;
        }
        var totals = await GrainFactory.Get<IResolutionStatsGrain>(unit.Value).Party();
        var c = totals.Counters;
        var inMonth = c.Months.GetValueOrDefault(month.ToString()) ?? new PartyMonthCounters();
        return new PartySummary(
            unit.Value,
            unit.Level,
            month.ToString(),
            (int)c.Grids,
            (int)c.GroupsSetUp,
            totals.GridsWithoutGroup,
            (int)c.GroupsSetUp * 2, // every group set up has exactly two instructors: the set-up rule
            (int)c.Members,
            (int)c.Resident,
            (int)c.Migrant,
            (int)c.Elderly,
            (int)c.OtherStatus,
            (int)c.WithoutOffice,
            (int)c.PostHolders,
            (int)c.GroupsSetUp * PostRules.All.Count,
            (int)c.PostsCovered,
            (int)c.GroupsWithAllPostsCovered,
            (int)inMonth.WithActivity,
            (int)inMonth.Flagged);
    }

    private async Task<PartySummary?> CountedFromGrids(UnitCode unit, PartyMonth month)
    {
        if (await Grids(unit) is not { } grids)
        {
            return null;
        }
        var snapshots = await Snapshots(grids, month);
        var setUp = snapshots.Where(s => s.SetUp).ToArray();
        var members = snapshots.SelectMany(s => s.Members).ToArray();
        return new PartySummary(
            unit.Value,
            unit.Level,
            month.ToString(),
            grids.Count,
            setUp.Length,
            snapshots.Where(s => !s.SetUp).Select(s => s.Grid).Take(100).ToArray(),
            setUp.Length * 2, // every group set up has exactly two instructors: the set-up rule
            members.Length,
            members.Count(m => m.Status == MemberStatus.Resident),
            members.Count(m => m.Status == MemberStatus.Migrant),
            members.Count(m => m.Status == MemberStatus.Elderly),
            members.Count(m => m.Status == MemberStatus.Other),
            members.Count(m => !m.HoldsOffice),
            members.Count(m => m.Post is not null),
            setUp.Length * PostRules.All.Count,
            setUp.Sum(s => s.Posts.Count(p => p.Holders.Count > 0)),
            setUp.Count(s => s.Posts.All(p => p.Holders.Count > 0)),
            setUp.Count(s => s.ActivitiesInMonth.Count > 0),
            setUp.Count(s => s.FlaggedInMonth));
    }

    public async Task<IReadOnlyList<ComplianceRow>?> Compliance(UnitCode unit, PartyMonth month)
    {
        if (await Grids(unit) is not { } grids)
        {
            return null;
        }
        var snapshots = await Snapshots(grids, month);
        var over = clock.GetUtcNow() >= month.End;
        return grids.Select((g, i) =>
        {
            var s = snapshots[i];
            var status = !s.SetUp ? ComplianceStatus.NotSetUp
                : s.SetUpAt >= month.End ? ComplianceStatus.NotDue
                : s.ActivitiesInMonth.Count > 0 ? ComplianceStatus.Held
                : over ? ComplianceStatus.Missing
                : ComplianceStatus.Pending;
            return new ComplianceRow(g.Code, g.Name, UnitCode.Parse(g.Code).Parent!.Value.Value, status, s.FlaggedInMonth,
                s.ActivitiesInMonth.Select(a => new ActivityBrief(a.Id, a.Date, a.Kind, a.Topic, a.Attendees.Count)).ToArray());
        }).ToArray();
    }

    public async Task<IReadOnlyList<GridPostCoverage>?> PostCoverage(UnitCode unit)
    {
        if (await Grids(unit) is not { } grids)
        {
            return null;
        }
        var snapshots = await Snapshots(grids, PartyMonth.Of(clock.GetUtcNow()));
        return grids.Select((g, i) =>
        {
            var s = snapshots[i];
            return new GridPostCoverage(g.Code, g.Name, s.SetUp, s.Posts.Where(p => p.Holders.Count == 0).Select(p => p.Post).ToArray(), s.Posts);
        }).ToArray();
    }

    public async Task<IReadOnlyList<PartyMemberHome>?> Homes(UnitCode unit)
    {
        if (await Grids(unit) is not { } grids)
        {
            return null;
        }
        var homes = await Task.WhenAll(grids.Select(g => GrainFactory.GetGrain<IGridHouseholdsGrain>(g.Code).Homes()));
        return homes.SelectMany(h => h).ToArray();
    }

    private Task<GroupSnapshot[]> Snapshots(IReadOnlyList<ChildUnit> grids, PartyMonth month) =>
        Task.WhenAll(grids.Select(g => GrainFactory.GetGrain<IPartyGroupGrain>(g.Code).Snapshot(month)));

    /// <summary>The grids under the unit, by code; null when the unit is not registered.</summary>
    private async Task<IReadOnlyList<ChildUnit>?> Grids(UnitCode unit)
    {
        var tree = await GrainFactory.GetUnit(unit).GetSubtree();
        if (tree is null)
        {
            return null;
        }
        var grids = new List<ChildUnit>();
        Collect(tree, grids);
        return grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToArray();
    }

    private static void Collect(UnitTreeNode node, List<ChildUnit> grids)
    {
        if (node.Level == UnitLevel.Grid)
        {
            grids.Add(new ChildUnit(node.Code, node.Name));
            return;
        }
        foreach (var child in node.Children)
        {
            Collect(child, grids);
        }
    }
}
