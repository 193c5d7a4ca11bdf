using System.Security.Cryptography;
using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Access;

/// <summary>An API key of a calling app, as listed to admins: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.ApiKeyInfo")]
public sealed record ApiKeyInfo(string Id, string App, string Jurisdiction, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>How creating a key ended.</summary>
public enum ApiKeyCreationStatus
{
    Created,
    /// <summary>The key was created before by the same request (same Idempotency-Key, same fingerprint).</summary>
    Replayed,
    /// <summary>The id is taken by a key made from another request (an Idempotency-Key reused with another body).</summary>
    Mismatch,
}

/// <summary>
/// The answer to creating a key. <see cref="SameSecret"/> tells a replay whose stored secret hash is the one sent:
/// the same HTTP request tried again inside the gateway, whose caller has not seen the secret yet.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.ApiKeyCreation")]
public sealed record ApiKeyCreation(ApiKeyCreationStatus Status, ApiKeyInfo? Info, bool SameSecret);

/// <summary>One API key (接入应用密钥), keyed by its id. Only the SHA-256 of the secret is stored; the secret is shown once.</summary>
[Alias("GridActors.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key; returns false when the id is taken. Kept for gateways of the previous release.</summary>
    [Alias("Create")]
    Task<bool> Create(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash);

    /// <summary>
    /// Creates the key, or, when it exists, answers a replay if <paramref name="fingerprint"/> (a hash of what was
    /// asked) is the one it was created with and a mismatch otherwise. The directory entry is (re)written either way,
    /// so a create whose directory write was lost is completed by its retry.
    /// </summary>
    [Alias("CreateOnce")]
    Task<ApiKeyCreation> CreateOnce(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash, string fingerprint);

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
    /// <summary>A hash of the request that created the key; null for keys made before keys took an Idempotency-Key.</summary>
    [Id(2)] public string? Fingerprint { get; set; }
}

internal sealed class ApiKeyGrain(
    [PersistentState("api-key", StorageNames.Grains)] IPersistentState<ApiKeyState> state, GridClock clock) : Grain, IApiKeyGrain
{
    public async Task<bool> Create(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash) =>
        state.State.Info is null && (await CreateOnce(app, jurisdiction, roles, secretHash, "")).Status == ApiKeyCreationStatus.Created;

    public async Task<ApiKeyCreation> CreateOnce(string app, string jurisdiction, IReadOnlyList<string> roles, byte[] secretHash, string fingerprint)
    {
        var status = ApiKeyCreationStatus.Created;
        if (state.State.Info is not null)
        {
            if (state.State.Fingerprint is not { Length: > 0 } stored || stored != fingerprint)
            {
                return new ApiKeyCreation(ApiKeyCreationStatus.Mismatch, null, false);
            }
            status = ApiKeyCreationStatus.Replayed;
        }
        else
        {
            state.State.Info = new ApiKeyInfo(this.GetPrimaryKeyString(), app, jurisdiction, roles, clock.GetUtcNow(), null);
            state.State.SecretHash = secretHash;
            state.State.Fingerprint = fingerprint;
            await state.WriteStateAsync();
        }
        await GrainFactory.GetGrain<IApiKeyDirectoryGrain>(0).Add(this.GetPrimaryKeyString(), state.State.Info.Jurisdiction);
        var same = state.State.SecretHash is { } hash && CryptographicOperations.FixedTimeEquals(hash, secretHash);
        return new ApiKeyCreation(status, state.State.Info, status == ApiKeyCreationStatus.Replayed && same);
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

/// <summary>
/// The ids of all API keys with their jurisdictions: for an admin's list (only the keys within its jurisdiction) and for
/// gateways, which answer a key whose id was never issued without asking a key grain. Apps are few (hundreds or a few
/// thousand in a province, not millions), so one grain holds them all.
/// </summary>
[Alias("GridActors.IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string keyId, string jurisdiction);

    /// <summary>The ids of the keys whose jurisdiction lies within <paramref name="jurisdiction"/>, in id order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string jurisdiction);

    /// <summary>Every key id ever issued.</summary>
    [Alias("Ids")]
    Task<string[]> Ids();
}

[GenerateSerializer, Alias("GridActors.ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    /// <summary>Key id → the key's jurisdiction.</summary>
    [Id(0)] public SortedDictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ApiKeyDirectoryGrain(
    [PersistentState("api-key-directory", StorageNames.Grains)] IPersistentState<ApiKeyDirectoryState> state) : Grain, IApiKeyDirectoryGrain
{

    public async Task Add(string keyId, string jurisdiction)
    {
        if (state.State.Keys.TryAdd(keyId, jurisdiction))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string jurisdiction) => Task.FromResult<IReadOnlyList<string>>(
        state.State.Keys.Where(k => Jurisdictions.Covers(jurisdiction, k.Value)).Select(k => k.Key).ToArray());

    public Task<string[]> Ids() => Task.FromResult(state.State.Keys.Keys.ToArray());
}
