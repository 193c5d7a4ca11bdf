using System.Security.Cryptography;
using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Access;

/// <summary>An API key of a calling app, as listed to admins: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ApiKeyInfo")]
public sealed record ApiKeyInfo(string Id, string App, string Jurisdiction, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>One API key, keyed by its id. Only the SHA-256 of the secret is stored; the secret is shown once.</summary>
[Alias("GridActors.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key; returns false when the id is taken.</summary>
    [Alias("Create")]
    Task<bool> Create(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash);

    /// <summary>The key when the secret matches and it is not revoked; null otherwise.</summary>
    [Alias("Verify")]
    Task<ApiKeyInfo?> Verify(byte[] secretHash);

    [Alias("Get")]
    Task<ApiKeyInfo?> Get();

    [Alias("Revoke")]
    Task<bool> Revoke();
}

[GenerateSerializer, Alias("GridActors.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public ApiKeyInfo? Info { get; set; }
    [Id(1)] public byte[]? SecretHash { get; set; }
}

internal sealed class ApiKeyGrain(
    [PersistentState("api-key", StorageNames.Grains)] IPersistentState<ApiKeyState> state, GridClock clock) : Grain, IApiKeyGrain
{
    public async Task<bool> Create(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash)
    {
        if (state.State.Info is not null)
        {
            return false;
        }
        state.State.Info = new ApiKeyInfo(this.GetPrimaryKeyString(), app, jurisdiction, roles, clock.GetUtcNow(), null);
        state.State.SecretHash = secretHash;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IApiKeyDirectoryGrain>(0).Add(this.GetPrimaryKeyString());
        return true;
    }

    public Task<ApiKeyInfo?> Verify(byte[] secretHash)
    {
        var ok = state.State is { Info.RevokedAt: null, SecretHash: { } stored } && CryptographicOperations.FixedTimeEquals(stored, secretHash);
        return Task.FromResult(ok ? state.State.Info : null);
    }

    public Task<ApiKeyInfo?> Get() => Task.FromResult(state.State.Info);

    public async Task<bool> Revoke()
    {
        if (state.State.Info is not { } info)
        {
            return false;
        }
        if (info.RevokedAt is null)
        {
            state.State.Info = info with { RevokedAt = clock.GetUtcNow() };
            await state.WriteStateAsync();
        }
        return true;
    }
}

/// <summary>The ids of all API keys, for the admin's list (apps are few: hundreds, not millions).</summary>
[Alias("GridActors.IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string keyId);

    [Alias("List")]
    Task<IReadOnlyList<string>> List();
}

[GenerateSerializer, Alias("GridActors.ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    [Id(0)] public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ApiKeyDirectoryGrain(
    [PersistentState("api-key-directory", StorageNames.Grains)] IPersistentState<ApiKeyDirectoryState> state) : Grain, IApiKeyDirectoryGrain
{
    public async Task Add(string keyId)
    {
        if (state.State.Ids.Add(keyId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Ids.ToArray());
}
