using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Staff;

internal sealed class StaffAccountGrain(
    [PersistentState("staff-account", StorageNames.Grains)] IPersistentState<StaffAccountState> state, GridClock clock) : Grain, IStaffAccountGrain
{
    public async Task<StaffCreation?> Create(string displayName, string jurisdiction, IReadOnlyList<string> roles, string passwordHash, string? request = null)
    {
        if (state.State.Info is { } existing)
        {
            // The directory entry is written again, so a create whose directory write was lost is completed by any retry.
            await GrainFactory.GetGrain<IStaffDirectoryGrain>(0).Add(this.GetPrimaryKeyString(), existing.Jurisdiction);
            return request is not null && request == state.State.CreatedBy ? new StaffCreation(existing, Replayed: true) : null;
        }
        state.State.Info = new StaffAccountInfo(this.GetPrimaryKeyString(), displayName, jurisdiction, roles, clock.GetUtcNow(), null);
        state.State.PasswordHash = passwordHash;
        state.State.CreatedBy = request;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IStaffDirectoryGrain>(0).Add(this.GetPrimaryKeyString(), jurisdiction);
        return new StaffCreation(state.State.Info, Replayed: false);
    }

    public Task<StaffAccountInfo?> Get() => Task.FromResult(state.State.Info);

    public Task<StaffCredentials?> Credentials() => Task.FromResult(
        state.State is { Info: { } info, PasswordHash: { } hash } ? new StaffCredentials(info, hash) : null);

    public async Task<bool> Disable()
    {
        if (state.State.Info is not { } info)
        {
            return false;
        }
        if (info.DisabledAt is null)
        {
            state.State.Info = info with { DisabledAt = clock.GetUtcNow() };
            await state.WriteStateAsync();
        }
        return true;
    }
}

internal sealed class StaffDirectoryGrain(
    [PersistentState("staff-directory", StorageNames.Grains)] IPersistentState<StaffDirectoryState> state) : Grain, IStaffDirectoryGrain
{
    public async Task Add(string username, string jurisdiction)
    {
        if (state.State.Accounts.TryAdd(username, jurisdiction))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string jurisdiction) => Task.FromResult<IReadOnlyList<string>>(
        state.State.Accounts.Where(a => Jurisdictions.Covers(jurisdiction, a.Value)).Select(a => a.Key).ToArray());

    public Task<IReadOnlyList<string>> At(string unit) => Task.FromResult<IReadOnlyList<string>>(
        state.State.Accounts.Where(a => a.Value == unit).Select(a => a.Key).ToArray());

    public Task<bool> Any() => Task.FromResult(state.State.Accounts.Count > 0);
}
