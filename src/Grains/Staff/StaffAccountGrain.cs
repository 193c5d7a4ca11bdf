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

    // A username without an account counts its failures here, never in storage: guessed names write no rows, and the
    // activation lives as long as a lockout matters (it is collected after being idle longer than the window).
    private readonly StaffAccountState _stray = new();

    private StaffAccountState Lockable => state.State.Info is null ? _stray : state.State;

    public Task<StaffSignInState> SignInState()
    {
        var now = clock.GetUtcNow();
        var locked = Lockable.LockedUntil > now ? Lockable.LockedUntil : null;
        return Task.FromResult(new StaffSignInState(
            state.State is { Info: { } info, PasswordHash: { } hash } ? new StaffCredentials(info, hash) : null, locked, state.State.MustChangePassword));
    }

    public async Task<StaffLockout> FailedSignIn(int maxFailures, TimeSpan window, TimeSpan lockFor)
    {
        var now = clock.GetUtcNow();
        var lockable = Lockable;
        if (lockable.LockedUntil > now)
        {
            return new StaffLockout(lockable.LockedUntil, JustLocked: false);
        }
        lockable.FailedSignIns.RemoveAll(at => at <= now - window);
        lockable.FailedSignIns.Add(now);
        var justLocked = lockable.FailedSignIns.Count >= maxFailures;
        if (justLocked)
        {
            lockable.LockedUntil = now + lockFor;
            lockable.FailedSignIns.Clear();
        }
        if (state.State.Info is not null)
        {
            await state.WriteStateAsync();
        }
        return new StaffLockout(justLocked ? lockable.LockedUntil : null, justLocked);
    }

    public async Task SignedIn()
    {
        if (state.State.FailedSignIns.Count > 0)
        {
            state.State.FailedSignIns.Clear();
            await state.WriteStateAsync();
        }
    }

    public async Task<bool> SetPassword(string passwordHash, bool mustChange)
    {
        if (state.State.Info is null)
        {
            return false;
        }
        state.State.PasswordHash = passwordHash;
        state.State.MustChangePassword = mustChange;
        if (mustChange)
        {
            state.State.LockedUntil = null;
            state.State.FailedSignIns.Clear();
        }
        await state.WriteStateAsync();
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
