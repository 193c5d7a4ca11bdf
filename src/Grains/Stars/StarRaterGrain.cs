using GridActors.Grains.Commitments;
using GridActors.Grains.Households;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyBranches;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyTasks;
using GridActors.Grains.Units;
using Orleans.Concurrency;

namespace GridActors.Grains.Stars;

/// <summary>
/// Gathers a rating's facts (commitments, evaluations, activities, post work, pairings, tasks, linked issues) and
/// computes it with the county's rubric; lists whom a unit rates. A stateless worker: it only reads, and never calls
/// a rating grain (rating grains call it to compute).
/// </summary>
[Alias("GridActors.IStarRaterGrain")]
public interface IStarRaterGrain : IGrainWithIntegerKey
{
    /// <summary>Null when there is no such group or member.</summary>
    [Alias("Compute")]
    Task<StarComputation?> Compute(StarSubjectKind kind, string id, int year);

    /// <summary>The groups and members under a unit; null when the unit is not registered.</summary>
    [Alias("Subjects")]
    Task<IReadOnlyList<StarSubject>?> Subjects(UnitCode unit);
}

[StatelessWorker]
internal sealed class StarRaterGrain(GridClock clock) : Grain, IStarRaterGrain
{
    public async Task<StarComputation?> Compute(StarSubjectKind kind, string id, int year)
    {
        string name, grid;
        if (kind == StarSubjectKind.Group)
        {
            var group = await GrainFactory.GetPartyGroup(id).Get();
            if (group is null)
            {
                return null;
            }
            (name, grid) = ($"网格党小组 {id}", id);
        }
        else
        {
            var member = await GrainFactory.GetMember(Guid.Parse(id)).Get();
            if (member is null)
            {
                return null;
            }
            (name, grid) = (member.Details.Name, member.Details.Grid);
        }
        var rubric = await GrainFactory.GetGrain<IStarRubricGrain>(StarKeys.Rubric(grid[..6], year)).Get();
        var facts = kind == StarSubjectKind.Group ? await GroupFacts(grid, year) : await MemberFacts(Guid.Parse(id), grid, year);
        var score = StarCalculator.Compute(rubric.For(kind), rubric.Thresholds, facts);
        return new StarComputation(kind, id, name, grid, year, rubric.IsDefault, rubric.NoticeDays, score, facts, clock.GetUtcNow());
    }

    public async Task<IReadOnlyList<StarSubject>?> Subjects(UnitCode unit)
    {
        if (await Grids(unit) is not { } grids)
        {
            return null;
        }
        var perGrid = await Task.WhenAll(grids.Select(async grid =>
        {
            var group = GrainFactory.GetPartyGroup(grid);
            if (await group.Get() is not { } view)
            {
                return Array.Empty<StarSubject>();
            }
            return view.Members.Select(m => new StarSubject(StarSubjectKind.Member, m.MemberId.ToString(), m.Name, grid))
                .Prepend(new StarSubject(StarSubjectKind.Group, grid, $"网格党小组 {grid}", grid)).ToArray();
        }));
        return perGrid.SelectMany(s => s).ToArray();
    }

    private async Task<StarFacts> GroupFacts(string grid, int year)
    {
        var group = GrainFactory.GetPartyGroup(grid);
        var view = (await group.Get())!;
        var roster = view.Members;
        var commitments = await GrainFactory.GetCommitments(StarSubjectKind.Group, grid, year).Get();
        var memberCommitments = await Task.WhenAll(roster.Select(m => GrainFactory.GetCommitments(StarSubjectKind.Member, m.MemberId.ToString(), year).Get()));
        var activities = (await group.Activities(null) ?? []).Where(a => a.Date.Year == year).ToArray();

        // Months due: from the month the group was set up (or January) to the last month that is over, within the year.
        var now = PartyMonth.Of(clock.GetUtcNow());
        var first = PartyMonth.Of(view.SetUpAt);
        var from = first.Year < year ? new PartyMonth(year, 1) : first;
        var to = now.Year > year ? new PartyMonth(year, 12) : now.Previous;
        int due = 0, held = 0;
        for (var m = from; m.Year == year && m <= to; m = m.Next)
        {
            due++;
            held += activities.Any(a => m.Contains(a.Date)) ? 1 : 0;
        }

        var postWork = await Task.WhenAll(roster.Select(m => GrainFactory.GetMember(m.MemberId).ListPostWork(year)));
        var (pairings, visits) = Visits(await GrainFactory.GetGrain<IGridHouseholdsGrain>(grid).Pairings(null), year, null);
        var shares = (await TaskViews(grid, year)).Select(t => t.Groups.First(g => g.Grid == grid)).ToArray();
        var issues = Issues(memberCommitments.Prepend(commitments));
        return new StarFacts(
            Published(commitments),
            commitments?.Evaluations.Count ?? 0,
            commitments?.Evaluations.Sum(e => (decimal)e.Score) ?? 0,
            due,
            held,
            activities.Length * roster.Count,
            activities.Sum(a => a.Attendees.Count(id => roster.Any(r => r.MemberId == id))),
            postWork.Sum(w => w?.Count ?? 0),
            issues.Length,
            issues.Count(i => i.Satisfaction is not null),
            issues.Sum(i => i.Satisfaction ?? 0),
            pairings,
            visits,
            shares.Length,
            shares.Count(s => s.Status == PartyTaskStatus.Done && !s.Overdue));
    }

    private async Task<StarFacts> MemberFacts(Guid member, string grid, int year)
    {
        var commitments = await GrainFactory.GetCommitments(StarSubjectKind.Member, member.ToString(), year).Get();
        var activities = (await GrainFactory.GetPartyGroup(grid).Activities(null) ?? []).Where(a => a.Date.Year == year).ToArray();
        var postWork = await GrainFactory.GetMember(member).ListPostWork(year);

        // A member may pair with households anywhere in its village.
        var villageGrids = await Grids(UnitCode.Parse(grid[..12])) ?? [grid];
        var pairingLists = await Task.WhenAll(villageGrids.Select(g => GrainFactory.GetGrain<IGridHouseholdsGrain>(g).Pairings(null)));
        var (pairings, visits) = Visits(pairingLists.SelectMany(p => p).ToArray(), year, member);
        var parts = (await TaskViews(grid, year)).SelectMany(t => t.Groups.Where(g => g.Grid == grid).SelectMany(g => g.Parts)).Where(p => p.MemberId == member).ToArray();
        var issues = Issues([commitments]);
        return new StarFacts(
            Published(commitments),
            commitments?.Evaluations.Count ?? 0,
            commitments?.Evaluations.Sum(e => (decimal)e.Score) ?? 0,
            0,
            0,
            activities.Length,
            activities.Count(a => a.Attendees.Contains(member)),
            postWork?.Count ?? 0,
            issues.Length,
            issues.Count(i => i.Satisfaction is not null),
            issues.Sum(i => i.Satisfaction ?? 0),
            pairings,
            visits,
            parts.Length,
            parts.Count(p => p.Done && !p.DoneLate));
    }

    /// <summary>Only published commitments count: a draft is a promise not yet made.</summary>
    private static IReadOnlyList<ItemFulfilment> Published(CommitmentView? view) =>
        view is null || view.Status == CommitmentStatus.Drafted ? [] : view.Fulfilment();

    /// <summary>Resolved issues linked as evidence, each once, with the satisfaction seen when linked.</summary>
    private static LinkedEvidence[] Issues(IEnumerable<CommitmentView?> views) => views
        .Where(v => v is not null && v.Status != CommitmentStatus.Drafted)
        .SelectMany(v => v!.Progress.SelectMany(p => p.Links))
        .Where(l => l.Kind == EvidenceLinkKind.Issue)
        .DistinctBy(l => l.Id)
        .ToArray();

    /// <summary>Pairings that ran during the year (of one member, or all) and their visits in the year.</summary>
    private static (int Pairings, int Visits) Visits(IReadOnlyList<Pairing> pairings, int year, Guid? member)
    {
        var running = pairings.Where(p => (member is null || p.MemberId == member)
            && PartyCalendar.Today(p.AcceptedAt).Year <= year
            && (p.EndedAt is null || PartyCalendar.Today(p.EndedAt.Value).Year >= year)).ToArray();
        return (running.Length, running.Sum(p => p.Visits.Count(v => v.Date.Year == year)));
    }

    private async Task<PartyTaskView[]> TaskViews(string grid, int year)
    {
        var summaries = await GrainFactory.GetGrain<IVillageBranchGrain>(grid[..12]).Tasks(grid);
        var views = await Task.WhenAll(summaries.Where(s => s.Due.Year == year).Select(s => GrainFactory.GetGrain<IPartyTaskGrain>(s.Id).Get()));
        return views.Where(v => v is not null && v.Groups.Any(g => g.Grid == grid)).Select(v => v!).ToArray();
    }

    private async Task<IReadOnlyList<string>?> Grids(UnitCode unit)
    {
        var tree = await GrainFactory.GetUnit(unit).GetSubtree();
        if (tree is null)
        {
            return null;
        }
        var grids = new List<string>();
        Collect(tree, grids);
        return grids.Order(StringComparer.Ordinal).ToArray();
    }

    private static void Collect(UnitTreeNode node, List<string> grids)
    {
        if (node.Level == UnitLevel.Grid)
        {
            grids.Add(node.Code);
            return;
        }
        foreach (var child in node.Children)
        {
            Collect(child, grids);
        }
    }
}
