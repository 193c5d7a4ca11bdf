using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyRollups;
using GridActors.Grains.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Units;

/// <summary>
/// Behaviour shared by the six unit grains. Each concrete grain only names its state, so that two unit
/// types never share a storage row (the ADO.NET provider keys rows by state name and key, not by type).
/// </summary>
internal abstract class UnitGrain(IPersistentState<UnitState> state, GridClock clock) : Grain, IUnitGrain
{
    private UnitCode Code => UnitCode.Parse(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Code.Level == UnitLevel.Grid && state.State.Registered && !state.State.GridCounted)
        {
            // A grid registered before grids were counted for the Party summary: counted now, once (the statistics grain
            // counts a grid's registration once, however often it is told). A failure must not stop the grid from
            // answering: the next activation tries again.
            try
            {
                await WriteWithGridNotice();
            }
            catch (Exception e)
            {
                PartyNotices.LogCatchUpFailed(ServiceProvider.GetRequiredService<ILogger<UnitGrain>>(), e, Code.Value);
            }
        }
    }

    /// <summary>
    /// Writes the state; a grid not yet counted stores its registration notice for its statistics in the same write,
    /// then hands it over.
    /// </summary>
    private async Task WriteWithGridNotice()
    {
        StatsNotice? notice = null;
        if (Code.Level == UnitLevel.Grid && !state.State.GridCounted)
        {
            state.State.GridCounted = true;
            notice = PartyNotices.GridRegistered(Code.Value, clock.GetUtcNow());
            state.State.Posts.Add(PartyNotices.Post(GrainRows.Store(this), GrainFactory, notice));
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (notice is not null)
            {
                state.State.GridCounted = false;
            }
            throw;
        }
        finally
        {
            state.State.Posts.Clear();
        }
        if (notice is not null)
        {
            await PartyNotices.Deliver(GrainFactory, clock, notice, ServiceProvider.GetRequiredService<ILogger<UnitGrain>>());
        }
    }

    public async Task<UpsertOutcome> Upsert(UnitDetails details, long? expectedVersion = null)
    {
        var current = state.State;
        if (expectedVersion is { } expected && expected != current.Version)
        {
            return new UpsertOutcome(UpsertStatus.VersionMismatch, current.Registered ? View() : null);
        }
        if (Code.Level == UnitLevel.Province && current.Children.Count > 0 && current.Details?.UsesCities != details.UsesCities)
        {
            // Its counties attached by the old choice; under the new one they would sit under a different unit.
            return new UpsertOutcome(UpsertStatus.Conflict, View(), Detail:
                $"usesCities cannot change while the province has units attached ({current.Children.Count}): they attached by usesCities={current.Details?.UsesCities}.");
        }

        // The parent learns of the child first: if the parent is missing, nothing at all is written.
        var parentCode = await ParentToAttach();
        IUnitGrain? parent = parentCode is { } p ? GrainFactory.GetUnit(p) : null;
        var newlyAttached = Code.Level == UnitLevel.County && current.Attached != parentCode?.Value;
        var nameChanged = !current.Registered || current.Details?.Name != details.Name;
        if (parent is not null && (nameChanged || newlyAttached) && !await parent.AttachChild(new ChildUnit(Code.Value, details.Name)))
        {
            return new UpsertOutcome(UpsertStatus.ParentMissing, null, parentCode!.Value.Value);
        }

        var created = !current.Registered;
        var now = clock.GetUtcNow();
        var previous = (current.Details, current.Version, current.UpdatedAt, current.CreatedAt, current.Attached);
        current.Registered = true;
        current.Details = details;
        current.Version++;
        current.UpdatedAt = now;
        if (created)
        {
            current.CreatedAt = now;
        }
        if (Code.Level == UnitLevel.County)
        {
            current.Attached = parentCode?.Value;
        }

        try
        {
            await WriteWithGridNotice();
        }
        catch
        {
            (current.Details, current.Version, current.UpdatedAt, current.CreatedAt, current.Attached) = previous;
            current.Registered = !created;
            if ((created || newlyAttached) && parent is not null)
            {
                await parent.DetachChild(Code.Value);
            }
            throw;
        }

        if (Code.Level == UnitLevel.County && current.Attached is { } attached)
        {
            // The county's statistics learn where to push (their whole book goes up first). Told on every write, not only
            // the first: a write whose call here failed is repaired by the next one.
            await GrainFactory.GetGrain<Stats.IResolutionStatsGrain>(Code.Value).AttachTo(attached);
        }
        return new UpsertOutcome(created ? UpsertStatus.Created : UpsertStatus.Updated, View());
    }

    /// <summary>
    /// The unit to be listed under. Below the county, the code's parent. A county keeps the unit it attached to; until it
    /// has one: none while its province is not registered (a deployment of counties alone works as it always did), the
    /// province when the province does not use cities or the county is directly under it (省直辖, city digits 90),
    /// otherwise its city, which must then be registered (the attach answers false and nothing is written).
    /// </summary>
    private async Task<UnitCode?> ParentToAttach()
    {
        if (Code.Level != UnitLevel.County)
        {
            return Code.Parent;
        }
        if (state.State.Attached is { } kept)
        {
            return UnitCode.Parse(kept);
        }
        var province = await GrainFactory.GetUnit(Code.Province).Get();
        if (province is null)
        {
            return null;
        }
        return province.Details.UsesCities == false || Code.DirectlyUnderProvince ? Code.Province : Code.City;
    }

    public Task<UnitView?> Get() => Task.FromResult(state.State.Registered ? View() : null);

    // The storage's ETag changes with every write of the state, children included, unlike the details' version.
    public Task<UnitRead> Read(string? knownRevision) => Task.FromResult(
        !state.State.Registered ? new UnitRead(null, null)
        : state.Etag is { } revision && revision == knownRevision ? new UnitRead(revision, null)
        : new UnitRead(state.Etag, View()));

    public Task<bool> IsRegistered() => Task.FromResult(state.State.Registered);

    public Task<bool> AttachChild(ChildUnit child) => AttachChildren([child]);

    public async Task<bool> AttachChildren(IReadOnlyList<ChildUnit> children)
    {
        if (!state.State.Registered)
        {
            return false;
        }
        var code = Code;
        if (children.FirstOrDefault(c => !UnitCode.Parse(c.Code).MayAttachTo(code)) is { } stranger)
        {
            throw new ArgumentException($"{stranger.Code} is not a child of {code}", nameof(children));
        }
        var changed = false;
        foreach (var child in children)
        {
            if (!state.State.Children.TryGetValue(child.Code, out var name) || name != child.Name)
            {
                state.State.Children[child.Code] = child.Name;
                changed = true;
            }
        }
        if (changed)
        {
            await state.WriteStateAsync();
        }
        return true;
    }

    public async Task DetachChild(string childCode)
    {
        if (state.State.Children.Remove(childCode))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<UnitTreeNode?> GetSubtree()
    {
        if (!state.State.Registered)
        {
            return null;
        }
        var details = state.State.Details!;
        var children = Array.Empty<UnitTreeNode>();
        if (Code.Level != UnitLevel.Grid && state.State.Children.Count > 0)
        {
            // Children answer in parallel; a child that vanished between listing and reading is skipped.
            var nodes = await Task.WhenAll(state.State.Children.Keys.Select(c => GrainFactory.GetUnit(UnitCode.Parse(c)).GetSubtree()));
            children = nodes.OfType<UnitTreeNode>().ToArray();
        }
        return new UnitTreeNode(Code.Value, Code.Level, details.Name, details.Kind, children);
    }

    private UnitView View() => new(
        Code.Value,
        Code.Level,
        state.State.Details!,
        state.State.Children.Select(c => new ChildUnit(c.Key, c.Value)).ToArray(),
        state.State.Version,
        state.State.CreatedAt,
        state.State.UpdatedAt,
        Code.Level == UnitLevel.County ? state.State.Attached : Code.Parent?.Value);
}

internal sealed class ProvinceGrain(
    [PersistentState("province", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), IProvinceGrain;

internal sealed class CityGrain(
    [PersistentState("city", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), ICityGrain;

internal sealed class CountyGrain(
    [PersistentState("county", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), ICountyGrain;

internal sealed class TownshipGrain(
    [PersistentState("township", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), ITownshipGrain;

internal sealed class VillageGrain(
    [PersistentState("village", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), IVillageGrain;

internal sealed class GridGrain(
    [PersistentState("grid", Infrastructure.StorageNames.Grains)] IPersistentState<UnitState> state, GridClock clock)
    : UnitGrain(state, clock), IGridGrain;
