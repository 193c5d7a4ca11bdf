using GridActors.Grains.Vocabulary;
using System.Text.Json;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyGroups;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Members;

/// <summary>
/// The only writer of a member. Before each write it sends its Party group the roster entry it is about to
/// have (the group may refuse, e.g. a leader cannot leave); if the write then fails, the group gets the previous
/// entry back, and this activation is dropped so the next call starts from storage.
/// </summary>
internal sealed partial class MemberGrain(
    [PersistentState("party-member", StorageNames.Grains)] IPersistentState<MemberState> state,
    GridClock clock,
    ILogger<MemberGrain> logger) : Grain, IMemberGrain
{
    private Guid Id => this.GetPrimaryKey();

    public async Task<PartyResult<MemberView>> Register(MemberDetails details, string? fingerprint)
    {
        var s = state.State;
        if (s.Exists)
        {
            return fingerprint is not null && fingerprint == s.Fingerprint ? PartyResult.Ok(View()) : PartyResult.Mismatch<MemberView>();
        }
        if (s.Removed)
        {
            return PartyResult.Conflict<MemberView>($"Member {Id} was removed at {s.RemovedAt:u}; register the person again with a new Idempotency-Key.");
        }
        if (!await GrainFactory.GetUnit(UnitCode.Parse(details.Grid)).IsRegistered())
        {
            return PartyResult.Invalid<MemberView>("grid", $"no grid {details.Grid} is registered");
        }
        Create(details, fingerprint, clock.GetUtcNow());
        await GrainFactory.GetPartyGroup(details.Grid).SyncMember(Entry());
        await Save(() => GrainFactory.GetPartyGroup(details.Grid).DetachMember(Id));
        return PartyResult.Ok(View(), created: true);
    }

    public async Task<PartyResult<MemberView>> Update(MemberDetails details, long? expectedVersion, Actor? actor = null)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<MemberView>($"No member {Id} exists.");
        }
        if (expectedVersion is { } expected && expected != s.Version)
        {
            return PartyResult.Stale<MemberView>($"Member {Id} is at version {s.Version}, not {expected}.");
        }
        if (details.Grid != s.Details!.Grid)
        {
            return PartyResult.Invalid<MemberView>("grid",
                $"a member moves to another grid by POST /api/v1/members/{Id}/transfer, which records the transfer; the member is in grid {s.Details.Grid}");
        }
        var before = Entry();
        var now = clock.GetUtcNow();
        s.Details = details;
        if (ReleasesPost(details))
        {
            // Leaving the village ends a post done on the spot; the record says why, and the village sees the gap.
            Release(now, MigrantReleasesPost, null, actor);
        }
        var answer = await GrainFactory.GetPartyGroup(details.Grid).SyncMember(Entry());
        if (!answer.Accepted)
        {
            DeactivateOnIdle();
            return PartyResult.Conflict<MemberView>(answer.Refusal!);
        }
        Touch(now);
        await Save(() => GrainFactory.GetPartyGroup(details.Grid).SyncMember(before));
        return PartyResult.Ok(View());
    }

    public Task<MemberView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public Task<MemberImportPlan> PlanImport(MemberImport import) => Task.FromResult(Plan(import).Plan);

    public async Task<PartyResult<long>> ApplyImport(MemberImport import, long plannedVersion, Actor? actor = null)
    {
        var s = state.State;
        var (plan, details, releasesPost) = Plan(import);
        if (s.Version != plannedVersion || details is null)
        {
            // The group may hold the planned entry, which is not going to be written: give it what the member has.
            if (s.Exists && s.Details!.Grid == import.Details.Grid)
            {
                await Group().SyncMember(Entry());
            }
            else
            {
                await Group().DetachMember(Id);
            }
            return PartyResult.Stale<long>($"Member {Id} changed while the file was imported (now at version {s.Version}); import the file again.");
        }
        var now = clock.GetUtcNow();
        if (plan.Result.Change == ImportChange.Created)
        {
            Create(details, Fingerprint(details), now);
            await Save(() => Group().DetachMember(Id));
            return PartyResult.Ok(s.Version, created: true);
        }
        var before = Entry();
        s.Details = details;
        if (releasesPost)
        {
            // The post is given up by whoever sent the sheet.
            Release(now, MigrantReleasesPost, null, actor);
        }
        Touch(now);
        await Save(() => Group().SyncMember(before));
        return PartyResult.Ok(s.Version);

        // Only needed when something must be given back: resolving a grain reference is not free at 25,000 rows.
        IPartyGroupGrain Group() => GrainFactory.GetPartyGroup(import.Details.Grid);
    }

    /// <summary>
    /// What an import row would write, from the state in memory: the plan, the details to write (null when there is
    /// nothing to write) and whether the post held is given up. <see cref="ApplyImport"/> redoes it at the same version,
    /// so both steps agree.
    /// </summary>
    private (MemberImportPlan Plan, MemberDetails? Details, bool ReleasesPost) Plan(MemberImport import)
    {
        var s = state.State;
        if (!s.Exists)
        {
            if (s.Removed)
            {
                return (new MemberImportPlan(ImportResult.Refused("name",
                    $"member {Id} (this name and birth date in this county) was removed at {s.RemovedAt:u}; an import does not bring it back"), null, s.Version), null, false);
            }
            var created = import.Details;
            return (new MemberImportPlan(ImportResult.Created, EntryFor(created, null, 0, 0), s.Version), created, false);
        }
        var current = s.Details!;
        var details = import.Details with { Card = current.Card, HoldsOffice = import.KeepsOffice ? current.HoldsOffice : import.Details.HoldsOffice };
        if (details.Grid != current.Grid)
        {
            return (new MemberImportPlan(ImportResult.Refused("grid",
                $"a member moves to another grid by POST /api/v1/members/{Id}/transfer, which records the transfer; the member is in grid {current.Grid}"), null, s.Version), null, false);
        }
        if (Fingerprint(details) == Fingerprint(current))
        {
            return (new MemberImportPlan(ImportResult.Unchanged, null, s.Version), null, false);
        }
        var releasesPost = ReleasesPost(details);
        var entry = EntryFor(details, releasesPost ? null : s.Post, s.Pairings.Count, PostWorkThisYear());
        return (new MemberImportPlan(ImportResult.Updated, entry, s.Version), details, releasesPost);
    }

    private const string MigrantReleasesPost = "the member became a migrant away from the village (外出务工); the post needs presence";

    /// <summary>Whether these details end the post held: a migrant cannot do a post that needs presence.</summary>
    private bool ReleasesPost(MemberDetails details) =>
        details.Status == MemberStatus.Migrant && state.State.Post is { } held && held.Post.NeedsPresence();

    private void Create(MemberDetails details, string? fingerprint, DateTimeOffset now)
    {
        var s = state.State;
        s.Exists = true;
        s.Details = details;
        s.Fingerprint = fingerprint;
        s.CreatedAt = now;
        s.UpdatedAt = now;
        s.Version = 1;
    }

    /// <summary>The idempotency fingerprint an import gives a member it creates (its details as JSON), and how it tells a row already as the sheet says.</summary>
    private static string Fingerprint(MemberDetails details) => JsonSerializer.Serialize(details);

    public async Task<PartyResult<MemberView>> Remove(string reason, string? by, Actor? actor = null)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<MemberView>($"No member {Id} exists.");
        }
        if (s.Pairings.Count > 0)
        {
            return PartyResult.Conflict<MemberView>($"{s.Details!.Name} pairs with {s.Pairings.Count} household(s); end those pairings first.");
        }
        var before = Entry();
        var grid = s.Details!.Grid;
        var left = await GrainFactory.GetPartyGroup(grid).DetachMember(Id);
        if (!left.Accepted)
        {
            return PartyResult.Conflict<MemberView>(left.Refusal!);
        }
        var now = clock.GetUtcNow();
        if (s.Post is not null)
        {
            Release(now, "the member was removed", by, actor);
        }
        s.Exists = false;
        s.Removed = true;
        s.RemovedAt = now;
        s.RemovalReason = by is null ? reason : $"{reason} (by {by})";
        Touch(now);
        await Save(() => GrainFactory.GetPartyGroup(grid).SyncMember(before));
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<MemberView>> Transfer(TransferRequest request)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<MemberView>($"No member {Id} exists.");
        }
        var from = s.Details!.Grid;
        if (request.ToGrid == from)
        {
            return PartyResult.Invalid<MemberView>("toGrid", $"is the member's current grid {from}");
        }
        if (!await GrainFactory.GetUnit(UnitCode.Parse(request.ToGrid)).IsRegistered())
        {
            return PartyResult.Invalid<MemberView>("toGrid", $"no grid {request.ToGrid} is registered");
        }
        if (s.Transfers.Count > 0 && request.On < s.Transfers[^1].On)
        {
            return PartyResult.Invalid<MemberView>("on", $"must not be before the member's last transfer on {PartyCalendar.Text(s.Transfers[^1].On)}");
        }
        var before = Entry();
        var oldGroup = GrainFactory.GetPartyGroup(from);
        var left = await oldGroup.DetachMember(Id);
        if (!left.Accepted)
        {
            return PartyResult.Conflict<MemberView>(left.Refusal!);
        }

        var now = clock.GetUtcNow();
        var released = s.Post?.Post;
        if (released is not null)
        {
            Release(now, $"transferred to grid {request.ToGrid}", request.By, request.Actor);
        }
        s.Details = s.Details with { Grid = request.ToGrid };
        s.Transfers.Add(new MemberTransfer(from, request.ToGrid, request.On, request.Reason, now, request.By, released, request.Actor));
        Touch(now);
        var newGroup = GrainFactory.GetPartyGroup(request.ToGrid);
        try
        {
            await newGroup.SyncMember(Entry());
        }
        catch
        {
            DeactivateOnIdle();
            await oldGroup.SyncMember(before);
            throw;
        }
        await Save(async () =>
        {
            await newGroup.DetachMember(Id);
            await oldGroup.SyncMember(before);
        });
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<MemberView>> ClaimPost(PostClaim claim)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<MemberView>($"No member {Id} exists.");
        }
        if (s.Post is { } held)
        {
            return PartyResult.Conflict<MemberView>(held.Post == claim.Post
                ? $"{s.Details!.Name} already holds {EnumNames.Name(held.Post)} ({held.Post.Term()})"
                : $"{s.Details!.Name} holds {EnumNames.Name(held.Post)} ({held.Post.Term()}); a member holds one post, so release it first (DELETE /api/v1/members/{Id}/post)");
        }
        if (s.Details!.Status == MemberStatus.Migrant && claim.Post.NeedsPresence())
        {
            return PartyResult.Invalid<MemberView>("post", PostRules.MigrantRule(claim.Post));
        }
        if (claim.RecommendedOn < s.Details.JoinedPartyOn)
        {
            return PartyResult.Invalid<MemberView>("recommendedOn", $"must not be before the member joined the Party on {PartyCalendar.Text(s.Details.JoinedPartyOn)}");
        }
        var before = Entry();
        var now = clock.GetUtcNow();
        s.Post = new PostAssignment(claim.Post, claim.Recommendation, claim.RecommendedOn, claim.Note, s.Details.Grid, now, claim.By, Actor: claim.Actor);
        Touch(now);
        await Sync();
        await Save(() => GrainFactory.GetPartyGroup(s.Details.Grid).SyncMember(before));
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<MemberView>> ReleasePost(string? reason, string? by, Actor? actor = null)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<MemberView>($"No member {Id} exists.");
        }
        if (s.Post is null)
        {
            return PartyResult.Conflict<MemberView>($"{s.Details!.Name} holds no post");
        }
        var before = Entry();
        var now = clock.GetUtcNow();
        Release(now, reason ?? "released", by, actor);
        Touch(now);
        await Sync();
        await Save(() => GrainFactory.GetPartyGroup(s.Details!.Grid).SyncMember(before));
        return PartyResult.Ok(View());
    }

    public async Task<PartyResult<PostWorkEntry>> LogPostWork(PostWorkEntry entry)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.NotFound<PostWorkEntry>($"No member {Id} exists.");
        }
        if (s.PostWork.Find(w => w.Id == entry.Id) is { } existing)
        {
            return entry.Fingerprint is not null && entry.Fingerprint == existing.Fingerprint ? PartyResult.Ok(existing) : PartyResult.Mismatch<PostWorkEntry>();
        }
        if (s.Post is not { } held)
        {
            return PartyResult.Conflict<PostWorkEntry>($"{s.Details!.Name} holds no post; post work is logged against the post held (PUT /api/v1/members/{Id}/post)");
        }
        if (PostRules.PostOf(entry.Kind) is { } post && post != held.Post)
        {
            return PartyResult.Invalid<PostWorkEntry>("kind",
                $"{EnumNames.Name(entry.Kind)} is work of {EnumNames.Name(post)} ({post.Term()}); the member holds {EnumNames.Name(held.Post)} ({held.Post.Term()}): use its kind or other");
        }
        var since = PartyCalendar.Today(held.ClaimedAt);
        if (entry.Date < since)
        {
            return PartyResult.Invalid<PostWorkEntry>("date", $"must not be before the member took the post on {PartyCalendar.Text(since)}");
        }
        var before = Entry();
        var now = clock.GetUtcNow();
        var logged = entry with { Post = held.Post, Grid = s.Details!.Grid, RecordedAt = now };
        s.PostWork.Add(logged);
        Touch(now);
        await Sync();
        await Save(() => GrainFactory.GetPartyGroup(s.Details.Grid).SyncMember(before));
        return PartyResult.Ok(logged, created: true);
    }

    public Task<IReadOnlyList<PostWorkEntry>?> ListPostWork(int? year) => Task.FromResult<IReadOnlyList<PostWorkEntry>?>(state.State.Exists
        ? state.State.PostWork.Where(w => year is null || w.Date.Year == year).OrderByDescending(w => w.Date).ThenByDescending(w => w.RecordedAt).ToArray()
        : null);

    public async Task<PartyResult<int>> TakePairing(Guid pairingId, string householdGrid, int cap)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return PartyResult.Invalid<int>("memberId", $"no member {Id} exists");
        }
        if (s.Pairings.Contains(pairingId))
        {
            return PartyResult.Ok(s.Pairings.Count);
        }
        var details = s.Details!;
        if (details.Status == MemberStatus.Migrant)
        {
            return PartyResult.Invalid<int>("memberId",
                $"{details.Name} is a migrant member away from the village (外出务工) and cannot visit households; pair a member who is present");
        }
        var village = UnitCode.Parse(householdGrid).Parent!.Value;
        if (!village.Contains(UnitCode.Parse(details.Grid)))
        {
            return PartyResult.Invalid<int>("memberId", $"{details.Name} is a member in grid {details.Grid}, outside village {village}; pair a member of the village");
        }
        if (s.Pairings.Count >= cap)
        {
            return PartyResult.Conflict<int>($"{details.Name} already pairs with {s.Pairings.Count} households, the most one member may take ({cap}); end a pairing first or choose another member");
        }
        var before = Entry();
        s.Pairings.Add(pairingId);
        Touch(clock.GetUtcNow());
        await Sync();
        await Save(() => GrainFactory.GetPartyGroup(details.Grid).SyncMember(before));
        return PartyResult.Ok(s.Pairings.Count, created: true);
    }

    public async Task ReleasePairing(Guid pairingId)
    {
        var s = state.State;
        if (!s.Exists || !s.Pairings.Contains(pairingId))
        {
            return;
        }
        var before = Entry();
        s.Pairings.Remove(pairingId);
        Touch(clock.GetUtcNow());
        await Sync();
        await Save(() => GrainFactory.GetPartyGroup(s.Details!.Grid).SyncMember(before));
    }

    private void Release(DateTimeOffset now, string reason, string? by, Actor? actor)
    {
        var s = state.State;
        s.PostHistory.Add(s.Post! with { ReleasedAt = now, ReleaseReason = by is null ? reason : $"{reason} (by {by})", ReleasedActor = actor });
        s.Post = null;
    }

    private void Touch(DateTimeOffset now)
    {
        state.State.Version++;
        state.State.UpdatedAt = now;
    }

    /// <summary>Sends the group the entry about to be written; a change that cannot be refused.</summary>
    private async Task Sync()
    {
        try
        {
            await GrainFactory.GetPartyGroup(state.State.Details!.Grid).SyncMember(Entry());
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task Save(Func<Task> undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory is ahead of storage: drop this activation, and give the group back the entry storage still has.
            DeactivateOnIdle();
            try
            {
                await undo();
            }
            catch (Exception e)
            {
                LogUndoFailed(logger, e, Id);
            }
            throw;
        }
    }

    private int PostWorkThisYear()
    {
        var year = PartyCalendar.Today(clock.GetUtcNow()).Year;
        return state.State.PostWork.Count(w => w.Date.Year == year);
    }

    private RosterEntry Entry() => EntryFor(state.State.Details!, state.State.Post, state.State.Pairings.Count, PostWorkThisYear());

    private RosterEntry EntryFor(MemberDetails d, PostAssignment? post, int pairings, int postWorkThisYear) =>
        new(Id, d.Name, d.Gender, d.Status, d.HoldsOffice, post?.Post, post?.Recommendation, post?.ClaimedAt,
            d.Card.TechnicalSkills, d.Card.Willingness.ServicesOffered, d.Card.Willingness.HoursPerMonth, pairings, postWorkThisYear);

    private MemberView View()
    {
        var s = state.State;
        return new MemberView(Id, s.Details!, s.Post, s.PostHistory.ToArray(), s.Transfers.ToArray(), PostWorkThisYear(), s.PostWork.Count,
            s.Pairings.ToArray(), s.Version, s.CreatedAt, s.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId}: the write failed and its group could not be given the previous roster entry")]
    private static partial void LogUndoFailed(ILogger logger, Exception exception, Guid memberId);
}
