using GridActors.Grains.Access;
using GridActors.Grains.Households;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Leadership;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.GridStaff;

internal sealed class GridStaffGrain(
    [PersistentState("grid-staff", StorageNames.Grains)] IPersistentState<GridStaffState> state,
    GridClock clock) : Grain, IGridStaffGrain
{
    /// <summary>How many never-visited households the coverage answer names; the count is always whole.</summary>
    private const int NamedNeverVisited = 100;

    private GridCode Grid => GridCode.TryParse(this.GetPrimaryKeyString(), out var code, out var error) ? code : throw new InvalidOperationException(error);

    public async Task<PartyResult<GridPersonView>> SetLeader(GridPerson person)
    {
        var s = state.State;
        if (s.Leader is { } current && person.Fingerprint is not null && person.Fingerprint == current.Fingerprint)
        {
            // The same leader named again: nothing changes, so the history of leaders is not padded with repeats.
            return PartyResult.Ok(await View(current));
        }
        var resolved = await Resolve(person);
        if (resolved.Status != PartyStatus.Done)
        {
            return resolved.As<GridPerson, GridPersonView>();
        }
        var leader = resolved.Value! with { Since = clock.GetUtcNow() };
        if (s.Leader is { } before)
        {
            s.FormerLeaders.Add(before);
        }
        s.Leader = leader;
        await Save();
        return PartyResult.Ok(await View(leader), created: true);
    }

    public async Task<GridPersonView?> Leader() => state.State.Leader is { } leader ? await View(leader) : null;

    public async Task<PartyResult<GridPersonView>> AddWorker(GridPerson person)
    {
        var s = state.State;
        if (s.Workers.TryGetValue(person.Id, out var existing) || s.FormerWorkers.TryGetValue(person.Id, out _))
        {
            return existing is not null && person.Fingerprint is not null && person.Fingerprint == existing.Fingerprint
                ? PartyResult.Ok(await View(existing))
                : PartyResult.Mismatch<GridPersonView>();
        }
        var resolved = await Resolve(person);
        if (resolved.Status != PartyStatus.Done)
        {
            return resolved.As<GridPerson, GridPersonView>();
        }
        var worker = resolved.Value! with { Since = clock.GetUtcNow() };
        if (s.Workers.Values.FirstOrDefault(w => SamePerson(w, worker)) is { } same)
        {
            return PartyResult.Conflict<GridPersonView>($"{same.Name} is already a worker of grid {Grid} (worker {same.Id}).");
        }
        s.Workers[worker.Id] = worker;
        await Save();
        return PartyResult.Ok(await View(worker), created: true);
    }

    public Task<GridPerson?> Worker(Guid id) => Task.FromResult(state.State.Workers.GetValueOrDefault(id));

    public async Task<IReadOnlyList<GridPersonView>> Workers()
    {
        var workers = state.State.Workers.Values.OrderBy(w => w.Since).ThenBy(w => w.Id).ToArray();
        return await Task.WhenAll(workers.Select(View));
    }

    public async Task<PartyResult<FormerWorker>> RemoveWorker(Guid id, string? reason, Actor? actor)
    {
        var s = state.State;
        if (!s.Workers.Remove(id, out var worker))
        {
            return PartyResult.NotFound<FormerWorker>($"No worker {id} in grid {Grid}.");
        }
        var former = new FormerWorker(worker, clock.GetUtcNow(), reason, actor);
        s.FormerWorkers[id] = former;
        await Save();
        return PartyResult.Ok(former);
    }

    public async Task<PartyResult<SurveyVisit>> RecordVisit(SurveyVisit visit)
    {
        var s = state.State;
        if (s.Visits.TryGetValue(visit.Id, out var existing))
        {
            return visit.Fingerprint is not null && visit.Fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<SurveyVisit>();
        }
        if (!s.Workers.TryGetValue(visit.WorkerId, out var worker))
        {
            return PartyResult.Invalid<SurveyVisit>("workerId", $"no worker {visit.WorkerId} works in grid {Grid}: a visit (摸排) is recorded by one of the grid's workers");
        }
        if (visit.HouseholdId is { } household && await GrainFactory.GetGrain<IGridHouseholdsGrain>(Grid.ToString()).Get(household) is null)
        {
            return PartyResult.Invalid<SurveyVisit>("householdId", $"no household {household} is registered in grid {Grid}");
        }
        var recorded = visit with { WorkerName = worker.Name, RecordedAt = clock.GetUtcNow() };
        s.Visits[visit.Id] = recorded;
        await Save();
        return PartyResult.Ok(recorded, created: true);
    }

    public Task<SurveyVisit?> Visit(Guid id) => Task.FromResult(state.State.Visits.GetValueOrDefault(id));

    public Task<IReadOnlyList<SurveyVisit>> Visits(PartyMonth? month) => Task.FromResult<IReadOnlyList<SurveyVisit>>(state.State.Visits.Values
        .Where(v => month is not { } m || m.Contains(v.Date))
        .OrderByDescending(v => v.Date).ThenByDescending(v => v.RecordedAt).ThenBy(v => v.Id)
        .ToArray());

    public Task<PartyResult<SurveyFinding>> Finding(Guid visitId, int number) => Task.FromResult(FindingOf(visitId, number));

    public async Task<PartyResult<SurveyVisit>> LinkIssue(Guid visitId, int number, Guid issueId, Actor? actor)
    {
        var found = FindingOf(visitId, number);
        if (found.Status != PartyStatus.Done)
        {
            return found.As<SurveyFinding, SurveyVisit>();
        }
        var visit = state.State.Visits[visitId];
        var finding = found.Value!;
        if (finding.IssueId == issueId)
        {
            return PartyResult.Ok(visit);
        }
        if (finding.IssueId is { } other)
        {
            return PartyResult.Conflict<SurveyVisit>($"Finding {number} of visit {visitId} was already reported as issue {other}.");
        }
        var linked = visit with
        {
            Findings = visit.Findings.Select(f => f.Number == number ? f with { IssueId = issueId, ReportedAt = clock.GetUtcNow(), ReportedActor = actor } : f).ToArray(),
        };
        state.State.Visits[visitId] = linked;
        await Save();
        return PartyResult.Ok(linked);
    }

    public async Task<SurveyCoverage> Coverage(PartyMonth month)
    {
        var households = await GrainFactory.GetGrain<IGridHouseholdsGrain>(Grid.ToString()).List();
        var visits = state.State.Visits.Values;
        var inMonth = visits.Where(v => month.Contains(v.Date)).ToArray();
        var everVisited = visits.Where(v => v.HouseholdId is not null).Select(v => v.HouseholdId!.Value).ToHashSet();
        var visitedInMonth = inMonth.Where(v => v.HouseholdId is not null).Select(v => v.HouseholdId!.Value).ToHashSet();
        var registered = households.Select(h => h.Id).ToArray();
        var never = registered.Where(h => !everVisited.Contains(h)).ToArray();
        var visitedCount = registered.Count(visitedInMonth.Contains);
        return new SurveyCoverage(
            Grid.ToString(),
            month.ToString(),
            registered.Length,
            visitedCount,
            registered.Length - visitedCount,
            never.Length,
            inMonth.Length,
            inMonth.Count(v => v.HouseholdId is null),
            inMonth.Sum(v => v.Findings.Count),
            inMonth.Sum(v => v.Findings.Count(f => f.IssueId is not null)),
            never.Take(NamedNeverVisited).ToArray());
    }

    private PartyResult<SurveyFinding> FindingOf(Guid visitId, int number)
    {
        if (!state.State.Visits.TryGetValue(visitId, out var visit))
        {
            return PartyResult.NotFound<SurveyFinding>($"No visit {visitId} in grid {Grid}.");
        }
        return visit.Findings.FirstOrDefault(f => f.Number == number) is { } finding
            ? PartyResult.Ok(finding)
            : PartyResult.NotFound<SurveyFinding>($"Visit {visitId} has no finding {number}; its findings are numbered 1 to {visit.Findings.Count}.");
    }

    /// <summary>
    /// Checks a person's links against the records they name and takes the name from them: a member of this grid's
    /// village, a cadre of the village's term (the latest when no term is given). A person linked to both must be the
    /// same person in both records.
    /// </summary>
    private async Task<PartyResult<GridPerson>> Resolve(GridPerson person)
    {
        if (!await GrainFactory.GetGrid(Grid).IsRegistered())
        {
            return PartyResult.NotFound<GridPerson>($"No grid {Grid} is registered.");
        }
        var village = Grid.Village;
        var name = person.Name;
        if (person.MemberId is { } memberId)
        {
            var member = await GrainFactory.GetMember(memberId).Get();
            if (member is null)
            {
                return PartyResult.Invalid<GridPerson>("memberId", $"no member {memberId} exists");
            }
            if (!UnitCode.TryParse(member.Details.Grid, out var memberGrid, out _) || memberGrid.Parent != village.Code)
            {
                return PartyResult.Invalid<GridPerson>("memberId", $"member {member.Details.Name} belongs to grid {member.Details.Grid}, not to village {village}: a grid's people live in its village");
            }
            name = member.Details.Name;
        }
        CadreLink? cadre = null;
        if (person.Cadre is { } link)
        {
            var leadership = GrainFactory.GetVillageLeadership(village);
            var term = link.Term > 0 ? await leadership.GetTerm(link.Term) : (await leadership.ListTerms()).LastOrDefault();
            if (term is null)
            {
                return PartyResult.Invalid<GridPerson>("cadre.term", link.Term > 0
                    ? $"village {village} has no term {link.Term} recorded"
                    : $"village {village} has no term recorded: PUT /api/v1/villages/{village}/terms/{{year}} first");
            }
            var found = term.Cadres.FirstOrDefault(c => c.Name == link.Name);
            if (found is null)
            {
                return PartyResult.Invalid<GridPerson>("cadre.name", $"no cadre named {link.Name} in the {term.Year} term of village {village}");
            }
            if (person.MemberId is not null && name != found.Name)
            {
                return PartyResult.Invalid<GridPerson>("cadre.name", $"names {found.Name}, while memberId names {name}: a person linked to both records is the same person");
            }
            cadre = new CadreLink(term.Year, found.Name);
            name = found.Name;
        }
        return PartyResult.Ok(person with { Name = name, Cadre = cadre });
    }

    private static bool SamePerson(GridPerson a, GridPerson b) =>
        (a.MemberId is not null && a.MemberId == b.MemberId)
        || (a.Cadre is not null && a.Cadre == b.Cadre)
        || (a.MemberId is null && a.Cadre is null && b.MemberId is null && b.Cadre is null && a.Name == b.Name && a.Phone == b.Phone);

    /// <summary>
    /// The roles the person also holds, read from the records that own them now (so a change of group leader or a new term
    /// shows without touching this grain): the Party group they lead and the post they hold, their roles in the village's term.
    /// </summary>
    private async Task<GridPersonView> View(GridPerson person)
    {
        var roles = new List<HeldRole>();
        if (person.MemberId is { } memberId && await GrainFactory.GetMember(memberId).Get() is { } member)
        {
            var group = GrainFactory.GetPartyGroup(member.Details.Grid);
            if (await group.Get() is { } setUp && setUp.LeaderId == memberId)
            {
                roles.Add(new HeldRole("partyGroupLeader", member.Details.Grid, "partyGroup"));
            }
            if (member.Post is { } post)
            {
                roles.Add(new HeldRole(EnumNames.Name(post.Post), member.Details.Grid, "post"));
            }
        }
        if (person.Cadre is { } link && await GrainFactory.GetVillageLeadership(Grid.Village).GetTerm(link.Term) is { } term
            && term.Cadres.FirstOrDefault(c => c.Name == link.Name) is { } cadre)
        {
            roles.AddRange(cadre.Roles.Select(r => new HeldRole(EnumNames.Name(r), Grid.Village.ToString(), $"term {term.Year}")));
        }
        return new GridPersonView(person, roles);
    }

    private async Task Save()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
