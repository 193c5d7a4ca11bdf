using System.Net;
using GridActors.Grains.Webhooks;

namespace GridActors.Tests.Webhooks;

/// <summary>The rules of webhooks that need no cluster: addresses, retries, signatures.</summary>
public sealed class WebhookRuleTests
{
    [Theory]
    [InlineData("10.0.0.7")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::5")]
    [InlineData("::ffff:192.168.1.1")]
    public async Task ANameResolvingToAPrivateAddress_IsRefused(string address)
    {
        var rule = await WebhookUrls.Check("https://hooks.example.org/x", allowPrivate: false, _ => Task.FromResult(new[] { IPAddress.Parse("203.0.113.9"), IPAddress.Parse(address) }));
        Assert.Contains("resolves to one", rule);
        Assert.Null(await WebhookUrls.Check("https://hooks.example.org/x", allowPrivate: true, _ => Task.FromResult(new[] { IPAddress.Parse(address) })));
    }

    [Fact]
    public async Task ANameResolvingToPublicAddresses_IsTaken()
    {
        Assert.Null(await WebhookUrls.Check("https://hooks.example.org/x", allowPrivate: false, _ => Task.FromResult(new[] { IPAddress.Parse("203.0.113.9") })));
    }

    [Fact]
    public void Retries_LastPastADay_BeforeTheSubscriptionIsPaused()
    {
        var elapsed = TimeSpan.Zero;
        var failures = 0;
        while (!WebhookRetries.GiveUp(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch + elapsed))
        {
            elapsed += WebhookRetries.After(++failures);
        }
        Assert.True(elapsed >= TimeSpan.FromHours(24), elapsed.ToString());
        Assert.InRange(failures, 10, 12);
        Assert.Equal(TimeSpan.FromMinutes(1), WebhookRetries.After(1));
    }

    [Fact]
    public void TheSignature_IsHmacSha256OfIdTimestampAndBody_UnderTheSecret()
    {
        // Worked out with Python's hmac (the check docs/webhooks.md shows): base64(hmac.new(b"whsec_test", b"abc.1700000000.{}", hashlib.sha256).digest())
        Assert.Equal("v1=JDzcAPPr//RWRQN8Z9bsHmndBfMzS5KDMt9X5bUVfpQ=", WebhookSignature.Sign("whsec_test", "abc", 1700000000, "{}"));
        Assert.NotEqual(WebhookSignature.Sign("whsec_test", "abc", 1700000000, "{}"), WebhookSignature.Sign("whsec_test", "abc", 1700000001, "{}"));
        Assert.Equal(WebhookSignature.DeliveryId("wh_1", Guid.Empty, 3), WebhookSignature.DeliveryId("wh_1", Guid.Empty, 3));
        Assert.NotEqual(WebhookSignature.DeliveryId("wh_1", Guid.Empty, 3), WebhookSignature.DeliveryId("wh_1", Guid.Empty, 4));
    }
}
