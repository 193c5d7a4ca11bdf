using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;

namespace GridActors.Gateway.Access;

/// <summary>
/// Checks API key secrets (<c>gak.{keyId}.{random}</c>) against their key grain and keeps each verified key, with the
/// principal and caller made from it, for <see cref="CacheFor"/>: a revocation reaches every gateway within that time,
/// and at once on the gateway that revoked it (<see cref="ForgetAll"/>).
/// </summary>
/// <remarks>
/// Every request with a key comes here, so a kept key costs one SHA-256 of the secret and one dictionary lookup: the
/// secret itself is never kept, only its hash (as the key grain stores it), and nothing is allocated on the way.
/// </remarks>
public sealed class ApiKeyVerifier(IGrainFactory grains, BootstrapAdminKey bootstrap)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>Kept keys at most; past it the gateway starts over (a province has a few thousand keys).</summary>
    private const int Capacity = 100_000;

    /// <summary>Longest secret looked at: a made-up header of a megabyte is not hashed.</summary>
    private const int MaxSecretLength = 200;

    private readonly ConcurrentDictionary<SecretHash, Kept> _kept = new();
    private byte[]? _bootstrap;
    private VerifiedKey? _bootstrapKey;

    /// <summary>How often, at most, this gateway asks for the ids of the keys issued since it last looked.</summary>
    public static readonly TimeSpan IdsRefreshEvery = TimeSpan.FromSeconds(1);

    private IReadOnlySet<string> _ids = new HashSet<string>();
    private long _idsAt = long.MinValue / 2; // never read: the first unknown id reads at once
    private Task? _idsRefresh;

    /// <summary>The key of a secret this gateway verified lately, without waiting; false when it must be asked.</summary>
    public bool TryKept(string secret, out VerifiedKey? key)
    {
        key = null;
        if (secret.Length > MaxSecretLength)
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[MaxSecretLength * 3];
        utf8 = utf8[..Encoding.UTF8.GetBytes(secret, utf8)];
        if (IsBootstrap(utf8))
        {
            key = BootstrapKey;
            return true;
        }
        var hash = Hash(utf8);
        if (_kept.TryGetValue(hash, out var kept) && kept.Until > Environment.TickCount64)
        {
            key = kept.Key;
            return true;
        }
        return false;
    }

    /// <summary>The key a secret belongs to; null when the secret is malformed, unknown or revoked.</summary>
    public ValueTask<VerifiedKey?> Verify(string secret) => TryKept(secret, out var key) ? ValueTask.FromResult(key) : VerifyUnkept(secret);

    /// <summary>As <see cref="Verify"/>, for a secret <see cref="TryKept"/> has just not found: asks the key's grain.</summary>
    public async ValueTask<VerifiedKey?> VerifyUnkept(string secret)
    {
        if (secret.Length > MaxSecretLength || !TryKeyId(secret, out var keyId) || !await IsIssued(keyId))
        {
            return null;
        }
        var hash = Hash(Encoding.UTF8.GetBytes(secret));
        var info = await grains.Get<IApiKeyGrain>(keyId).Verify(MemoryMarshal.AsBytes(new Span<SecretHash>(ref hash)).ToArray());
        if (info is null || VerifiedKey.Of(info) is not { } verified)
        {
            _kept.TryRemove(hash, out _);
            return null;
        }
        if (_kept.Count >= Capacity)
        {
            _kept.Clear();
        }
        _kept[hash] = new Kept(verified, Environment.TickCount64 + (long)CacheFor.TotalMilliseconds);
        return verified;
    }

    /// <summary>A key id this gateway just issued: known at once, before the next look at the directory.</summary>
    public void Issued(string keyId) => _ids = new HashSet<string>(_ids, StringComparer.Ordinal) { keyId };

    /// <summary>
    /// Whether a key with this id was ever issued, from the directory's ids as this gateway last read them: a made-up id
    /// is refused without activating a key grain (and reading its storage) per id. An id not in the set read at most
    /// <see cref="IdsRefreshEvery"/> ago waits for the next read, so a key issued on another gateway works on its first
    /// request here, and a flood of made-up ids costs one directory call a second.
    /// </summary>
    private async ValueTask<bool> IsIssued(string keyId)
    {
        if (_ids.Contains(keyId))
        {
            return true;
        }
        var wait = _idsAt + (long)IdsRefreshEvery.TotalMilliseconds - Environment.TickCount64;
        var refresh = Volatile.Read(ref _idsRefresh);
        if (refresh is null || refresh.IsCompleted)
        {
            var next = RefreshIds(Math.Max(0, wait));
            refresh = Interlocked.CompareExchange(ref _idsRefresh, next, refresh) == refresh ? next : Volatile.Read(ref _idsRefresh)!;
        }
        await refresh;
        return _ids.Contains(keyId);
    }

    private async Task RefreshIds(long waitMs)
    {
        if (waitMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(waitMs));
        }
        var ids = await grains.GetGrain<IApiKeyDirectoryGrain>(0).Ids();
        _ids = ids.ToHashSet(StringComparer.Ordinal);
        _idsAt = Environment.TickCount64;
    }

    private VerifiedKey BootstrapKey =>
        _bootstrapKey ??= VerifiedKey.Of(new ApiKeyInfo("bootstrap", "bootstrap admin", "", Roles.All, DateTimeOffset.MinValue, null))!;

    private static SecretHash Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = new SecretHash();
        SHA256.HashData(utf8, MemoryMarshal.AsBytes(new Span<SecretHash>(ref hash)));
        return hash;
    }

    /// <summary>Drops every kept key, so a key revoked here is refused by this gateway from the next request on.</summary>
    public void ForgetAll() => _kept.Clear();

    private bool IsBootstrap(ReadOnlySpan<byte> secret)
    {
        var admin = _bootstrap ??= bootstrap.Value is { Length: > 0 } value ? Encoding.UTF8.GetBytes(value) : [];
        return admin.Length > 0 && CryptographicOperations.FixedTimeEquals(secret, admin);
    }

    private static bool TryKeyId(string secret, out string keyId)
    {
        var parts = secret.Split('.');
        keyId = parts.Length == 3 && parts[0] == "gak" && ApiKeys.IsKeyId(parts[1]) ? parts[1] : "";
        return keyId.Length > 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct SecretHash(ulong A, ulong B, ulong C, ulong D);

    private sealed record Kept(VerifiedKey Key, long Until);
}

/// <summary>A verified key: what its grain said, and the principal and caller made from that once.</summary>
public sealed record VerifiedKey(ApiKeyInfo Info, ClaimsPrincipal User, Caller Caller)
{
    public static VerifiedKey? Of(ApiKeyInfo info)
    {
        var principal = Principal(info);
        return Caller.From(principal) is { } caller ? new VerifiedKey(info, principal, caller) : null;
    }

    public static ClaimsPrincipal Principal(ApiKeyInfo info)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, info.Id),
            new(Caller.AppClaim, info.App),
            new(Caller.JurisdictionClaim, info.Jurisdiction),
        };
        claims.AddRange(info.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName, Caller.AppClaim, ClaimTypes.Role));
    }
}
