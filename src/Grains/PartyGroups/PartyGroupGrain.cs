using GridActors.Grains.Infrastructure;
using GridActors.Grains.Leadership;
using GridActors.Grains.Members;
using GridActors.Grains.PartyBranches;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Stats;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.PartyGroups;

internal sealed class PartyGroupGrain(
    [PersistentState("party-group", StorageNames.Grains)] IPersistentState<PartyGroupState> state,
    GridClock clock,
    ILogger<PartyGroupGrain> logger) : Grain, IPartyGroupGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists && state.State.FiguresVersion == 0)
        {
            // A group stored before groups sent their figures: sent now, so the counts above it include it. A failure must
            // not stop the group from answering: the activation is dropped (Save) and the next one tries again.
            try
            {
                await Save();
            }
            catch (Exception e)
            {
                PartyNotices.LogCatchUpFailed(logger, e, Grid.ToString());
            }
        }
    }

    private GridCode Grid => GridCode.TryParse(this.GetPrimaryKeyString(), out var code, out var error) ? code : throw new InvalidOperationException(error);

    public async Task<PartyResult<PartyGroupView>> SetUp(GroupSetup setup, long? expectedVersion)
    {
        var s = state.State;
        if (expectedVersion is { } expected && expected != s.Version)
        {
            return PartyResult.Stale<PartyGroupView>($"The Party group of grid {Grid} is at version {s.Version}, not {expected}.");
        }
        if (!await GrainFactory.GetGrid(Grid).IsRegistered())
        {
            return PartyResult.NotFound<PartyGroupView>($"No grid {Grid} is registered.");
        }
        if (!s.Roster.TryGetValue(setup.LeaderId, out var leader))
        {
            return PartyResult.Invalid<PartyGroupView>("leaderId",
                $"the leader must be a member of this Party group: member {setup.LeaderId} is not registered in grid {Grid}");
        }
        if (leader.Status == MemberStatus.Migrant)
        {
            return PartyResult.Invalid<PartyGroupView>("leaderId",
                $"the leader must be present in the village: {leader.Name} is a migrant member away from the village (外出务工)");
        }

        var instructors = new List<Instructor>();
        for (var i = 0; i < setup.Instructors.Count; i++)
        {
            var linked = await Linked(setup.Instructors[i], i);
            if (linked.Status != PartyStatus.Done)
            {
                return linked.As<Instructor, PartyGroupView>();
            }
            instructors.Add(linked.Value!);
        }
        setup = setup with { Instructors = instructors };

        var created = s.Setup is null;
        var now = clock.GetUtcNow();
        s.Setup = setup;
        s.Version++;
        s.UpdatedAt = now;
        if (created)
        {
            s.SetUpAt = now;
        }
        await Save();
        // One-way: the township never waits on us, and we never wait on it, so neither can deadlock the other.
        GrainFactory.GetGrain<ITownshipCommitteeGrain>(Grid.Village.Code.Parent!.Value.Value).EnsureChecking(PartyMonth.Of(s.SetUpAt)).Ignore();
        return PartyResult.Ok(View(), created);
    }

    /// <summary>
    /// An instructor who names a cadre of the village's term: the cadre must be in that term (the latest when no term is
    /// given), and the name is the record's, so the group never names a cadre the village did not elect.
    /// </summary>
    private async Task<PartyResult<Instructor>> Linked(Instructor instructor, int index)
    {
        if (instructor.Cadre is not { } link)
        {
            return PartyResult.Ok(instructor);
        }
        var village = Grid.Village;
        var leadership = GrainFactory.GetVillageLeadership(village);
        var term = link.Term > 0 ? await leadership.GetTerm(link.Term) : (await leadership.ListTerms()).LastOrDefault();
        if (term is null)
        {
            return PartyResult.Invalid<Instructor>($"instructors[{index}].cadre.term", link.Term > 0
                ? $"village {village} has no term {link.Term} recorded"
                : $"village {village} has no term recorded: PUT /api/v1/villages/{village}/terms/{{year}} first");
        }
        if (term.Cadres.FirstOrDefault(c => c.Name == link.Name) is not { } cadre)
        {
            return PartyResult.Invalid<Instructor>($"instructors[{index}].cadre.name", $"no cadre named {link.Name} in the {term.Year} term of village {village}");
        }
        if (instructor.Name.Length > 0 && instructor.Name != cadre.Name)
        {
            return PartyResult.Invalid<Instructor>($"instructors[{index}].name", $"names {instructor.Name}, while the cadre record names {cadre.Name}: leave the name out");
        }
        return PartyResult.Ok(instructor with { Name = cadre.Name, Cadre = new GridStaff.CadreLink(term.Year, cadre.Name) });
    }

    public Task<PartyGroupView?> Get() => Task.FromResult(state.State.Setup is null ? null : View());

    public Task<IReadOnlyList<RosterEntry>> Roster() => Task.FromResult<IReadOnlyList<RosterEntry>>(Members());

    public async Task<RosterAnswer> SyncMember(RosterEntry entry)
    {
        var (answer, changed) = Take(entry);
        if (changed)
        {
            await Save();
        }
        return answer;
    }

    public async Task<IReadOnlyList<RosterAnswer>> SyncMembers(IReadOnlyList<RosterSync> entries)
    {
        var answers = new RosterAnswer[entries.Count];
        bool? gridRegistered = null;
        var changed = false;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Joins && (gridRegistered ??= await GrainFactory.GetGrid(Grid).IsRegistered()) == false)
            {
                answers[i] = new RosterAnswer(false, $"no grid {Grid} is registered");
                continue;
            }
            (answers[i], var taken) = Take(entries[i].Entry);
            changed |= taken;
        }
        if (changed)
        {
            await Save();
        }
        return answers;
    }

    /// <summary>Puts a member's entry on the roster in memory; changed is false when refused or already there.</summary>
    private (RosterAnswer Answer, bool Changed) Take(RosterEntry entry)
    {
        var s = state.State;
        if (s.Setup?.LeaderId == entry.MemberId && entry.Status == MemberStatus.Migrant)
        {
            return (new RosterAnswer(false,
                $"{entry.Name} leads the Party group of grid {Grid}; a migrant member away from the village cannot lead it. Name another leader first (PUT /api/v1/grids/{Grid}/party-group)."), false);
        }
        if (s.Roster.TryGetValue(entry.MemberId, out var current) && current == entry)
        {
            return (RosterAnswer.Yes, false);
        }
        s.Roster[entry.MemberId] = entry;
        return (RosterAnswer.Yes, true);
    }

    public async Task<RosterAnswer> DetachMember(Guid memberId)
    {
        var s = state.State;
        if (s.Setup?.LeaderId == memberId)
        {
            var name = s.Roster.TryGetValue(memberId, out var entry) ? entry.Name : memberId.ToString();
            return new RosterAnswer(false,
                $"{name} leads the Party group of grid {Grid}. Name another leader first (PUT /api/v1/grids/{Grid}/party-group).");
        }
        if (s.Roster.Remove(memberId))
        {
            await Save();
        }
        return RosterAnswer.Yes;
    }

    public async Task<PartyResult<GroupActivity>> RecordActivity(GroupActivity activity)
    {
        var s = state.State;
        if (s.Setup is null)
        {
            return PartyResult.NotFound<GroupActivity>(NotSetUp());
        }
        if (s.Activities.Find(a => a.Id == activity.Id) is { } existing)
        {
            return activity.Fingerprint is not null && activity.Fingerprint == existing.Fingerprint
                ? PartyResult.Ok(existing)
                : PartyResult.Mismatch<GroupActivity>();
        }
        for (var i = 0; i < activity.Attendees.Count; i++)
        {
            if (!s.Roster.ContainsKey(activity.Attendees[i]))
            {
                return PartyResult.Invalid<GroupActivity>($"attendees[{i}]", $"member {activity.Attendees[i]} is not a member of the Party group of grid {Grid}");
            }
        }
        s.Activities.Add(activity);
        s.Activities.Sort((a, b) => (a.Date, a.RecordedAt).CompareTo((b.Date, b.RecordedAt)));
        await Save();
        return PartyResult.Ok(activity, created: true);
    }

    public Task<IReadOnlyList<GroupActivity>?> Activities(PartyMonth? month) => Task.FromResult<IReadOnlyList<GroupActivity>?>(
        state.State.Setup is null ? null : state.State.Activities.Where(a => month is not { } m || m.Contains(a.Date)).ToArray());

    public Task<GroupSnapshot> Snapshot(PartyMonth month)
    {
        var s = state.State;
        return Task.FromResult(new GroupSnapshot(
            Grid.ToString(),
            s.Setup is not null,
            s.Setup is null ? null : s.SetUpAt,
            s.Setup?.LeaderId,
            Members(),
            Coverage(),
            s.Activities.Where(a => month.Contains(a.Date)).ToArray(),
            s.FlaggedMonths.Contains(month.ToString())));
    }

    public async Task<MonthCheck> CheckMonth(PartyMonth month)
    {
        var s = state.State;
        // A group is checked from the month it was set up in: its founding meeting counts as that month's activity.
        if (s.Setup is null || s.SetUpAt >= month.End)
        {
            return MonthCheck.NotDue;
        }
        if (s.Activities.Exists(a => month.Contains(a.Date)))
        {
            return MonthCheck.Held;
        }
        if (!s.FlaggedMonths.Contains(month.ToString()))
        {
            s.FlaggedMonths.Add(month.ToString());
            await Save();
        }
        return MonthCheck.Missing;
    }

    public Task<IReadOnlyList<PostHolder>> PostHolders(Post post) =>
        Task.FromResult(Coverage().First(c => c.Post == post).Holders);

    private RosterEntry[] Members() =>
        state.State.Roster.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.MemberId).ToArray();

    private PostCoverage[] Coverage()
    {
        var members = Members();
        return PostRules.All.Select(post => new PostCoverage(post, post.NeedsPresence(), members
                .Where(m => m.Post == post)
                .Select(m => new PostHolder(m.MemberId, m.Name, post, m.Recommendation ?? Recommendation.Self, m.PostSince ?? default))
                .ToArray()))
            .ToArray();
    }

    private PartyGroupView View()
    {
        var s = state.State;
        var setup = s.Setup!;
        var coverage = Coverage();
        var month = PartyMonth.Of(clock.GetUtcNow());
        return new PartyGroupView(
            Grid.ToString(),
            setup.LeaderId,
            s.Roster.TryGetValue(setup.LeaderId, out var leader) ? leader.Name : "",
            setup.ActivityCenter,
            setup.Instructors,
            Members(),
            coverage,
            coverage.Where(c => c.Holders.Count == 0).Select(c => c.Post).ToArray(),
            s.Activities.Count(a => month.Contains(a.Date)),
            s.Activities.Count > 0 ? s.Activities.Max(a => a.Date) : null,
            s.FlaggedMonths.Order(StringComparer.Ordinal).ToArray(),
            s.Version,
            s.SetUpAt,
            s.UpdatedAt);
    }

    private string NotSetUp() => $"No Party group is set up for grid {Grid}; PUT /api/v1/grids/{Grid}/party-group first.";

    /// <summary>
    /// Writes the state and, in the same write, the group's figures for the grid's statistics when they changed (the
    /// counts above the grid are kept from them, docs/party-network.md); then hands the figures over.
    /// </summary>
    private async Task Save()
    {
        var s = state.State;
        StatsNotice? notice = null;
        var figures = Figures(s);
        if (s.FiguresVersion == 0 || !figures.SameAs(s.Figures))
        {
            s.FiguresVersion++;
            s.Figures = figures;
            notice = PartyNotices.Figures(Grid.ToString(), new GroupFigures(s.FiguresVersion, figures), clock.GetUtcNow());
            s.Posts.Add(PartyNotices.Post(GrainRows.Store(this), GrainFactory, notice));
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory is ahead of storage: drop this activation so the next call starts from what is stored.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            s.Posts.Clear();
        }
        if (notice is not null)
        {
            await PartyNotices.Deliver(GrainFactory, clock, notice, logger);
        }
    }

    /// <summary>
    /// What this grid's group adds to the Party counts: members whatever the group (the roster exists before it is set
    /// up), posts, activity months and flags only once set up, as the summary has always counted them.
    /// </summary>
    private static PartyCounters Figures(PartyGroupState s)
    {
        var roster = s.Roster.Values;
        var figures = new PartyCounters
        {
            Members = roster.Count,
            Resident = roster.Count(m => m.Status == MemberStatus.Resident),
            Migrant = roster.Count(m => m.Status == MemberStatus.Migrant),
            Elderly = roster.Count(m => m.Status == MemberStatus.Elderly),
            OtherStatus = roster.Count(m => m.Status == MemberStatus.Other),
            WithoutOffice = roster.Count(m => !m.HoldsOffice),
            PostHolders = roster.Count(m => m.Post is not null),
        };
        if (s.Setup is null)
        {
            return figures;
        }
        var covered = PostRules.All.Count(post => roster.Any(m => m.Post == post));
        figures.GroupsSetUp = 1;
        figures.PostsCovered = covered;
        figures.GroupsWithAllPostsCovered = covered == PostRules.All.Count ? 1 : 0;
        foreach (var month in s.Activities.Select(a => PartyMonth.Of(a.Date).ToString()).Distinct())
        {
            figures.Months[month] = new PartyMonthCounters { WithActivity = 1 };
        }
        foreach (var month in s.FlaggedMonths)
        {
            if (!figures.Months.TryGetValue(month, out var counters))
            {
                figures.Months[month] = counters = new PartyMonthCounters();
            }
            counters.Flagged = 1;
        }
        return figures;
    }
}
