using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GridActors.Gateway.Access;

/// <summary>
/// Confirmation links (确认链接) for residents without an app: a token names an issue, the resolution it was made for (the
/// sequence of its history entry) and when that was,
/// signed with HMAC-SHA256 under a key derived from the server's link secret (the one signed file links use, with a label
/// of its own, so one signature can never pass for the other). Nothing is stored per link: the issue records each answer
/// with the resolution it answered, which is what makes a link work once, after a restart too, and a later resolution
/// gives a new link. Validity (<c>Issues:ConfirmLinkDays</c>, default 30) counts from the resolution.
/// </summary>
public sealed class ConfirmLinks
{
    /// <summary>
    /// The page a link opens. The token follows <c>#</c>: a browser never sends that part, so the token reaches the server
    /// only in the body of the page's POST and never stands in a request line that a proxy, a trace or a log records.
    /// </summary>
    public const string Page = "/public/v1/confirm";

    private const int IdBytes = 16, SequenceBytes = 4, TimeBytes = 8, MacBytes = 32, Signed = IdBytes + SequenceBytes + TimeBytes;
    private readonly byte[] _key;

    public ConfirmLinks(byte[] linkSecret, TimeSpan validity)
    {
        _key = HMACSHA256.HashData(linkSecret, Encoding.ASCII.GetBytes("gridactors confirmation links"));
        Validity = validity;
    }

    public TimeSpan Validity { get; }

    public string Token(Guid issue, int resolution, DateTimeOffset resolvedAt)
    {
        var bytes = new byte[Signed + MacBytes];
        issue.TryWriteBytes(bytes.AsSpan(0, IdBytes));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(IdBytes, SequenceBytes), resolution);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(IdBytes + SequenceBytes, TimeBytes), resolvedAt.UtcTicks);
        HMACSHA256.HashData(_key, bytes.AsSpan(0, Signed), bytes.AsSpan(Signed));
        // 60 bytes make 80 base64url characters without padding.
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    public string Link(Guid issue, int resolution, DateTimeOffset resolvedAt) => $"{Page}#{Token(issue, resolution, resolvedAt)}";

    /// <summary>The issue and resolution a token names, when this server signed it; false for anything else.</summary>
    public bool TryRead(string? token, out Guid issue, out int resolution, out DateTimeOffset resolvedAt)
    {
        issue = default;
        resolution = 0;
        resolvedAt = default;
        var bytes = new byte[Signed + MacBytes];
        if (token is null || token.Length != 80)
        {
            return false;
        }
        if (!Convert.TryFromBase64String(token.Replace('-', '+').Replace('_', '/'), bytes, out var written) || written != bytes.Length)
        {
            return false;
        }
        var mac = HMACSHA256.HashData(_key, bytes.AsSpan(0, Signed));
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(Signed)))
        {
            return false;
        }
        issue = new Guid(bytes.AsSpan(0, IdBytes));
        resolution = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(IdBytes, SequenceBytes));
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(IdBytes + SequenceBytes, TimeBytes));
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }
        resolvedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
