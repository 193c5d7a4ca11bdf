using GridActors.Grains.Notifications;

namespace GridActors.Tests.Notifications;

/// <summary>The rules of quiet hours, the hourly cap and the backoff, on plain values.</summary>
public sealed class NotificationRulesTests
{
    private static readonly NotificationSettings Settings = new()
    {
        QuietFrom = "22:00", QuietUntil = "07:00", CapPerHour = 3,
        FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(5),
    };

    [Theory]
    [InlineData("2026-03-02T13:59:00Z", null)] // 21:59 in China
    [InlineData("2026-03-02T14:00:00Z", "2026-03-02T23:00:00Z")] // 22:00
    [InlineData("2026-03-02T17:30:00Z", "2026-03-02T23:00:00Z")] // 01:30 the next day
    [InlineData("2026-03-02T22:59:00Z", "2026-03-02T23:00:00Z")] // 06:59
    [InlineData("2026-03-02T23:00:00Z", null)] // 07:00
    public void QuietHours_SpanMidnightInChinaTime(string at, string? until) =>
        Assert.Equal(until is null ? null : DateTimeOffset.Parse(until), NotificationRules.QuietUntil(Settings, DateTimeOffset.Parse(at)));

    [Fact]
    public void TheCap_AdmitsUpToItsCountInAnyHour_ThenTellsWhenTheOldestLeaves()
    {
        var now = DateTimeOffset.Parse("2026-03-02T10:00:00Z");
        var sent = new List<DateTimeOffset> { now.AddMinutes(-70), now.AddMinutes(-50), now.AddMinutes(-20) };
        Assert.Null(NotificationRules.CappedUntil(Settings, sent, now));
        sent.Add(now.AddMinutes(-5));
        Assert.Equal(now.AddMinutes(10), NotificationRules.CappedUntil(Settings, sent, now));
    }

    [Fact]
    public void TheBackoff_Doubles_UpToTheMost()
    {
        Assert.Equal(
            [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240), TimeSpan.FromMinutes(5)],
            Enumerable.Range(1, 5).Select(a => NotificationRules.Backoff(Settings, a)));
    }
}
