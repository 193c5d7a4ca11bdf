using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Access;

/// <summary>
/// The <c>X-Api-Key</c> scheme, for requests that <see cref="ApiKeyGate"/> hands to ASP.NET Core's authentication (and
/// for challenges). The checking itself is <see cref="ApiKeyVerifier"/>'s.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyVerifier keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.NoResult();
        }
        var key = await keys.Verify(values[0]!);
        if (key is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        Context.Items[typeof(Caller)] = key.Caller;
        return AuthenticateResult.Success(new AuthenticationTicket(key.User, SchemeName));
    }
}

/// <summary>Making keys: ids that never look like numbers (the storage would alias them), and secrets with 256 random bits.</summary>
public static class ApiKeys
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string NewId() => "k" + RandomNumberGenerator.GetString(Alphabet, 19);

    /// <summary>
    /// The id of a key created with an Idempotency-Key (already scoped to its caller, as every Idempotency-Key is:
    /// PartyApiSupport.IdempotencyKey), so a retry reaches the key the first attempt made and no table of
    /// Idempotency-Keys is needed. Two callers using the same Idempotency-Key get different keys.
    /// </summary>
    public static string IdFor(string scopedIdempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"gridactors/api-key/{scopedIdempotencyKey}"));
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
