using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Access;

/// <summary>
/// The <c>X-Api-Key</c> scheme. A secret reads <c>gak.{keyId}.{random}</c>, so the key grain is found from the
/// secret itself; only the secret's SHA-256 is stored and compared. Verified keys are cached for
/// <see cref="CacheFor"/>, so a revocation reaches every gateway within that time (at once on the gateway
/// that revoked it).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IGrainFactory grains, IMemoryCache cache, BootstrapAdminKey bootstrap)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }
        var key = await VerifyKey(values[0]!, grains, cache, bootstrap);
        if (key is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        Context.Items[typeof(Caller)] = key.Caller;
        return AuthenticateResult.Success(new AuthenticationTicket(key.User, SchemeName));
    }

    /// <summary>Checks a secret (also used by Open311's <c>api_key</c> parameter).</summary>
    public static async Task<ApiKeyInfo?> Verify(string secret, IGrainFactory grains, IMemoryCache cache, BootstrapAdminKey bootstrap) =>
        (await VerifyKey(secret, grains, cache, bootstrap))?.Info;

    /// <summary>
    /// The key a secret belongs to, with the principal and caller made from it once per <see cref="CacheFor"/> rather than
    /// on every request (a cached key costs a hash and a lookup).
    /// </summary>
    private static async Task<VerifiedKey?> VerifyKey(string secret, IGrainFactory grains, IMemoryCache cache, BootstrapAdminKey bootstrap)
    {
        if (secret.Length > 200)
        {
            return null;
        }
        if (bootstrap.Value is { Length: > 0 } admin && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(admin)))
        {
            return VerifiedKey.Of(new ApiKeyInfo("bootstrap", "bootstrap admin", "", Roles.All, DateTimeOffset.MinValue, null));
        }
        var parts = secret.Split('.');
        if (parts.Length != 3 || parts[0] != "gak" || !ApiKeys.IsKeyId(parts[1]))
        {
            return null;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var cacheKey = "apikey:" + Convert.ToHexString(hash);
        if (cache.TryGetValue(cacheKey, out VerifiedKey? cached))
        {
            return cached;
        }
        var info = await grains.Get<IApiKeyGrain>(parts[1]).Verify(hash);
        if (info is null)
        {
            return null;
        }
        var key = VerifiedKey.Of(info);
        cache.Set(cacheKey, key, CacheFor);
        return key;
    }

    private sealed record VerifiedKey(ApiKeyInfo Info, ClaimsPrincipal User, Caller Caller)
    {
        public static VerifiedKey? Of(ApiKeyInfo info)
        {
            var principal = ApiKeyAuthenticationHandler.Principal(info);
            return Caller.From(principal) is { } caller ? new VerifiedKey(info, principal, caller) : null;
        }
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
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, Caller.AppClaim, ClaimTypes.Role));
    }
}

/// <summary>Making keys: ids that never look like numbers (the storage would alias them), and secrets with 256 random bits.</summary>
public static class ApiKeys
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string NewId() => "k" + RandomNumberGenerator.GetString(Alphabet, 19);

    /// <summary>
    /// The id of a key created with an Idempotency-Key: derived from the calling key's id and the Idempotency-Key, so
    /// a retry reaches the key the first attempt made and no table of Idempotency-Keys is needed. Two callers using
    /// the same Idempotency-Key get different keys.
    /// </summary>
    public static string IdFor(string callerId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/api-key/{callerId.Length}:{callerId}/{idempotencyKey}"));
        var id = new char[20];
        id[0] = 'k';
        for (var i = 1; i < id.Length; i++)
        {
            id[i] = Alphabet[hash[i] & 31]; // 32 letters: 5 bits of each byte, 95 bits in all
        }
        return new string(id);
    }

    public static bool IsKeyId(string text) => text.Length == 20 && text[0] == 'k' && text.All(c => Alphabet.Contains(c));

    public static string NewSecret(string id) => $"gak.{id}.{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
