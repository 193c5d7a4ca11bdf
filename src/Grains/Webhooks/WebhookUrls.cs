using System.Net;
using System.Net.Sockets;
using GridActors.Grains.Validation;

namespace GridActors.Grains.Webhooks;

/// <summary>
/// Where a webhook may point. A subscription makes the service send requests on a caller's behalf, so a URL must not
/// reach the service's own network (its database, the cloud's metadata address, an admin page on loopback) unless
/// <c>Webhooks:AllowPrivateAddresses</c> says so (tests, whose receiver runs on loopback). The rule is checked on the
/// literal address, on what the name resolves to when subscribing, and again on every connection (a name can be made to
/// resolve elsewhere later).
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2_000;

    /// <summary>The URL's broken rule, or null; <paramref name="resolve"/> answers a host name's addresses.</summary>
    public static async Task<string?> Check(string? text, bool allowPrivate, Func<string, Task<IPAddress[]>> resolve)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is required: an absolute http or https URL";
        }
        if (text.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            return "must be an absolute http or https URL";
        }
        if (url.UserInfo.Length > 0)
        {
            return "must not carry a user name or password: deliveries are signed with the subscription's secret";
        }
        if (url.Fragment.Length > 0)
        {
            return "must not have a fragment (#...)";
        }
        if (allowPrivate)
        {
            return null;
        }
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            return IsPrivate(literal) ? PrivateRule : null;
        }
        if (url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || url.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return PrivateRule;
        }
        IPAddress[] addresses;
        try
        {
            addresses = await resolve(url.IdnHost);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            // A name that does not resolve (yet, or in time) (a receiver being set up) is taken: each connection checks the addresses it gets.
            return null;
        }
        return addresses.Any(IsPrivate) ? PrivateRule + $" ({url.IdnHost} resolves to one)" : null;
    }

    private const string PrivateRule = "must not point at a loopback, private, link-local or otherwise internal address";

    /// <summary>Loopback, private (RFC 1918, unique local), link-local (the cloud metadata address), shared, unspecified, multicast.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19);
        }
        var bytes = address.GetAddressBytes();
        return address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (bytes[0] & 0xfe) == 0xfc;
    }
}
