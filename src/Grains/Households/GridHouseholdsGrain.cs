using System.Text.Json;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Households;

internal sealed partial class GridHouseholdsGrain(
    [PersistentState("grid-households", StorageNames.Grains)] IPersistentState<GridHouseholdsState> state,
    GridClock clock,
    ILogger<GridHouseholdsGrain> logger) : Grain, IGridHouseholdsGrain
{
    private string Grid => this.GetPrimaryKeyString();

    public async Task<PartyResult<Household>> Register(Guid id, HouseholdDetails details, string? fingerprint)
    {
        if (state.State.Households.TryGetValue(id, out var existing))
        {
            return fingerprint is not null && fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<Household>();
        }
        if (!await GrainFactory.GetUnit(UnitCode.Parse(Grid)).IsRegistered())
        {
            return PartyResult.NotFound<Household>($"No grid {Grid} is registered.");
        }
        if (await Check(id, details) is { } refused)
        {
            return refused;
        }
        var now = clock.GetUtcNow();
        var household = new Household(id, Grid, details, 1, now, now, fingerprint);
        state.State.Households[id] = household;
        await Save();
        return PartyResult.Ok(household, created: true);
    }

    public async Task<PartyResult<Household>> Update(Guid id, HouseholdDetails details, long? expectedVersion)
    {
        if (!state.State.Households.TryGetValue(id, out var existing))
        {
            return PartyResult.NotFound<Household>($"No household {id} in grid {Grid}.");
        }
        if (expectedVersion is { } expected && expected != existing.Version)
        {
            return PartyResult.Stale<Household>($"Household {id} is at version {existing.Version}, not {expected}.");
        }
        if (await Check(id, details) is { } refused)
        {
            return refused;
        }
        var updated = existing with { Details = details, Version = existing.Version + 1, UpdatedAt = clock.GetUtcNow() };
        state.State.Households[id] = updated;
        await Save();
        return PartyResult.Ok(updated);
    }

    public Task<Household?> Get(Guid id) => Task.FromResult(state.State.Households.GetValueOrDefault(id));

    public async Task<IReadOnlyList<ImportResult>> Import(IReadOnlyList<HouseholdImport> rows)
    {
        var households = state.State.Households;
        var results = new ImportResult[rows.Count];
        var now = clock.GetUtcNow();
        bool? gridRegistered = null;
        var changed = false;
        for (var i = 0; i < rows.Count; i++)
        {
            var (id, details) = rows[i];
            if (households.TryGetValue(id, out var existing))
            {
                details = details with
                {
                    MemberIds = existing.Details.MemberIds,
                    PartyMemberHome = existing.Details.PartyMemberHome,
                    Central = existing.Details.Central,
                    ServedHouseholds = existing.Details.ServedHouseholds,
                };
                if (Fingerprint(details) == Fingerprint(existing.Details))
                {
                    results[i] = ImportResult.Unchanged;
                    continue;
                }
            }
            else
            {
                gridRegistered ??= await GrainFactory.GetUnit(UnitCode.Parse(Grid)).IsRegistered();
                if (gridRegistered == false)
                {
                    results[i] = ImportResult.Refused("grid", $"no grid {Grid} is registered");
                    continue;
                }
            }
            if (await Check(id, details) is { } refused)
            {
                results[i] = ImportResult.Refused(refused.Field ?? "head", refused.Message ?? refused.Status.ToString());
                continue;
            }
            households[id] = existing is null
                ? new Household(id, Grid, details, 1, now, now, Fingerprint(details))
                : existing with { Details = details, Version = existing.Version + 1, UpdatedAt = now };
            results[i] = existing is null ? ImportResult.Created : ImportResult.Updated;
            changed = true;
        }
        if (changed)
        {
            // One write for the batch; if it fails the activation is dropped, so none of the batch stays in memory.
            await Save();
        }
        return results;
    }

    public Task<IReadOnlyList<Household>> List() => Task.FromResult<IReadOnlyList<Household>>(
        state.State.Households.Values.OrderBy(h => h.CreatedAt).ThenBy(h => h.Id).ToArray());

    public async Task<IReadOnlyList<PartyMemberHome>> Homes()
    {
        var homes = state.State.Households.Values.Where(h => h.Details.PartyMemberHome || h.Details.Central).OrderBy(h => h.CreatedAt).ThenBy(h => h.Id).ToArray();
        if (homes.Length == 0)
        {
            return [];
        }
        var roster = (await GrainFactory.GetPartyGroup(Grid).Roster()).ToDictionary(m => m.MemberId);
        return homes.Select(h => new PartyMemberHome(
                h.Id, Grid, h.Details.Head, h.Details.Address,
                h.Details.MemberIds.Select(m => new HomeMember(m, roster.TryGetValue(m, out var e) ? e.Name : "")).ToArray(),
                h.Details.PartyMemberHome,
                h.Details.Central,
                h.Details.ServedHouseholds
                    .Select(s => state.State.Households.GetValueOrDefault(s))
                    .OfType<Household>()
                    .Select(s => new ServedHousehold(s.Id, s.Details.Head, s.Details.Address))
                    .ToArray()))
            .ToArray();
    }

    public async Task<IReadOnlyList<HouseholdSuggestion>> Suggest(int limit)
    {
        var village = UnitCode.Parse(Grid).Parent!.Value;
        var villageView = await GrainFactory.GetUnit(village).Get();
        var grids = (villageView?.Children.Select(c => c.Code) ?? []).Append(Grid).Distinct(StringComparer.Ordinal).ToArray();
        var rosters = await Task.WhenAll(grids.Select(g => GrainFactory.GetPartyGroup(g).Roster()));
        var pool = grids.SelectMany((g, i) => rosters[i].Select(e => new PoolMember(e, g))).ToArray();
        var active = state.State.Pairings.Values.Where(p => p.Status == PairingStatus.Active).ToArray();
        return PairingMatcher.Suggest(Grid, await List(), active, pool, limit);
    }

    public async Task<PartyResult<Pairing>> AcceptPairing(PairingRequest request)
    {
        var s = state.State;
        if (s.Pairings.TryGetValue(request.PairingId, out var existing))
        {
            return request.Fingerprint is not null && request.Fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<Pairing>();
        }
        if (!s.Households.TryGetValue(request.HouseholdId, out var household))
        {
            return PartyResult.Invalid<Pairing>("householdId", $"no household {request.HouseholdId} is registered in grid {Grid}");
        }
        if (s.Pairings.Values.FirstOrDefault(p => p.Status == PairingStatus.Active && p.HouseholdId == request.HouseholdId && p.MemberId == request.MemberId) is { } same)
        {
            return PartyResult.Conflict<Pairing>($"{same.MemberName} already pairs with household {household.Details.Head} (pairing {same.Id})");
        }
        var member = await GrainFactory.GetMember(request.MemberId).Get();
        if (member is null)
        {
            return PartyResult.Invalid<Pairing>("memberId", $"no member {request.MemberId} exists");
        }
        var householdNeeds = household.Details.Needs.ToDictionary(ServiceTags.MatchKey, n => n, StringComparer.Ordinal);
        IReadOnlyList<string> needs;
        if (request.Needs is { } named)
        {
            for (var i = 0; i < named.Count; i++)
            {
                if (!householdNeeds.ContainsKey(ServiceTags.MatchKey(named[i])))
                {
                    return PartyResult.Invalid<Pairing>($"needs[{i}]", $"is not a need of household {household.Details.Head}: {string.Join(", ", household.Details.Needs)}");
                }
            }
            needs = named.Select(n => householdNeeds[ServiceTags.MatchKey(n)]).ToArray();
        }
        else
        {
            var card = member.Details.Card;
            var offered = card.TechnicalSkills.Concat(card.Willingness.ServicesOffered).Select(ServiceTags.MatchKey).ToHashSet(StringComparer.Ordinal);
            needs = household.Details.Needs.Where(n => offered.Contains(ServiceTags.MatchKey(n))).ToArray();
        }

        var taken = await GrainFactory.GetMember(request.MemberId).TakePairing(request.PairingId, Grid, PairingMatcher.Cap);
        if (taken.Status != PartyStatus.Done)
        {
            return taken.As<int, Pairing>();
        }
        var pairing = new Pairing(request.PairingId, household.Id, member.Id, member.Details.Name, member.Details.Grid, needs, PairingStatus.Active,
            clock.GetUtcNow(), request.By, request.Fingerprint, [], Actor: request.Actor);
        s.Pairings[pairing.Id] = pairing;
        try
        {
            await Save();
        }
        catch
        {
            await GiveBack(request.MemberId, request.PairingId);
            throw;
        }
        return PartyResult.Ok(pairing, created: true);
    }

    public async Task<PartyResult<Pairing>> EndPairing(Guid pairingId, string reason, string? by, Actor? actor = null)
    {
        if (!state.State.Pairings.TryGetValue(pairingId, out var pairing))
        {
            return PartyResult.NotFound<Pairing>($"No pairing {pairingId} in grid {Grid}.");
        }
        if (pairing.Status == PairingStatus.Ended)
        {
            return PartyResult.Conflict<Pairing>($"Pairing {pairingId} already ended at {pairing.EndedAt:u}.");
        }
        var ended = pairing with { Status = PairingStatus.Ended, EndedAt = clock.GetUtcNow(), EndReason = by is null ? reason : $"{reason} (by {by})", EndedActor = actor };
        state.State.Pairings[pairingId] = ended;
        await Save();
        await GiveBack(pairing.MemberId, pairingId);
        return PartyResult.Ok(ended);
    }

    public async Task<PartyResult<PairingVisit>> LogVisit(Guid pairingId, PairingVisit visit)
    {
        if (!state.State.Pairings.TryGetValue(pairingId, out var pairing))
        {
            return PartyResult.NotFound<PairingVisit>($"No pairing {pairingId} in grid {Grid}.");
        }
        if (pairing.Visits.FirstOrDefault(v => v.Id == visit.Id) is { } existing)
        {
            return visit.Fingerprint is not null && visit.Fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<PairingVisit>();
        }
        if (pairing.Status == PairingStatus.Ended)
        {
            return PartyResult.Conflict<PairingVisit>($"Pairing {pairingId} ended at {pairing.EndedAt:u}; visits are logged against pairings in force.");
        }
        var accepted = PartyCalendar.Today(pairing.AcceptedAt);
        if (visit.Date < accepted)
        {
            return PartyResult.Invalid<PairingVisit>("date", $"must not be before the pairing was accepted on {PartyCalendar.Text(accepted)}");
        }
        var logged = visit with { RecordedAt = clock.GetUtcNow() };
        state.State.Pairings[pairingId] = pairing with { Visits = [.. pairing.Visits, logged] };
        await Save();
        return PartyResult.Ok(logged, created: true);
    }

    public Task<IReadOnlyList<Pairing>> Pairings(PairingStatus? status) => Task.FromResult<IReadOnlyList<Pairing>>(state.State.Pairings.Values
        .Where(p => status is null || p.Status == status)
        .OrderBy(p => p.AcceptedAt).ThenBy(p => p.Id)
        .ToArray());

    /// <summary>
    /// The idempotency fingerprint an import gives a household it creates (the details as JSON, as the import always
    /// wrote it), and how an import tells a row already as the sheet says.
    /// </summary>
    private static string Fingerprint(HouseholdDetails details) => JsonSerializer.Serialize(details);

    /// <summary>Rules on a household that need other grains or the other households; the edge checked the rest.</summary>
    private async Task<PartyResult<Household>?> Check(Guid id, HouseholdDetails details)
    {
        for (var i = 0; i < details.MemberIds.Count; i++)
        {
            var member = await GrainFactory.GetMember(details.MemberIds[i]).Get();
            if (member is null || member.Details.Grid != Grid)
            {
                return PartyResult.Invalid<Household>($"memberIds[{i}]", $"member {details.MemberIds[i]} is not a Party member registered in grid {Grid}");
            }
        }
        for (var i = 0; i < details.ServedHouseholds.Count; i++)
        {
            var served = details.ServedHouseholds[i];
            if (served == id)
            {
                return PartyResult.Invalid<Household>($"servedHouseholds[{i}]", "a central household does not serve itself");
            }
            if (!state.State.Households.ContainsKey(served))
            {
                return PartyResult.Invalid<Household>($"servedHouseholds[{i}]", $"no household {served} is registered in grid {Grid}; a central household serves neighbouring households of its grid");
            }
        }
        return null;
    }

    private async Task GiveBack(Guid memberId, Guid pairingId)
    {
        try
        {
            await GrainFactory.GetMember(memberId).ReleasePairing(pairingId);
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, e, pairingId, memberId);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pairing {PairingId}: member {MemberId} could not be told it was released; its load stays counted")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, Guid pairingId, Guid memberId);
}
