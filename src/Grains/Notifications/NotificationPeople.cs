using System.Security.Cryptography;
using System.Text;
using GridActors.Grains.Infrastructure;
using Microsoft.Extensions.Options;

namespace GridActors.Grains.Notifications;

/// <summary>
/// The keys people are known by to notifications: a staff account's username, a grid person's id, or, for a reporter
/// (who has no record of their own), a hash of their phone number, so no key and no log line ever holds a number.
/// </summary>
public static class NotificationPeople
{
    public const string StaffPrefix = "staff:";

    public static string Staff(string username) => StaffPrefix + username;

    public static string GridPerson(Guid id) => $"grid:{id:N}";

    public static string Phone(string phone) =>
        "phone:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(new string(phone.Where(char.IsDigit).ToArray()))))[..20];
}

/// <summary>
/// One person's notification settings (通知设置) and hourly cap, keyed by <see cref="NotificationPeople"/>. The cap's
/// count is kept in memory only: after a restart a person may get one hour's cap again, which is the lesser harm than a
/// write per message.
/// </summary>
[Alias("GridActors.INotificationPersonGrain")]
public interface INotificationPersonGrain : IGrainWithStringKey
{
    [Alias("Profile")]
    Task<NotificationProfile> Profile();

    [Alias("SetProfile")]
    Task SetProfile(NotificationProfile profile);

    /// <summary>Counts one message now when the hour's cap allows it (null); else answers when it will.</summary>
    [Alias("Admit")]
    Task<DateTimeOffset?> Admit(Guid notification);
}

[GenerateSerializer, Alias("GridActors.NotificationPersonState")]
public sealed class NotificationPersonState
{
    [Id(0)] public NotificationProfile? Profile { get; set; }
}

internal sealed class NotificationPersonGrain(
    [PersistentState("notification-person", StorageNames.Grains)] IPersistentState<NotificationPersonState> state,
    IOptions<NotificationSettings> options,
    GridClock clock) : Grain, INotificationPersonGrain
{
    // Admitted notifications of the last hour by id: an attempt admitted and then retried counts once.
    private readonly Dictionary<Guid, DateTimeOffset> _sent = [];

    public Task<NotificationProfile> Profile() => Task.FromResult(state.State.Profile ?? NotificationProfile.Empty);

    public async Task SetProfile(NotificationProfile profile)
    {
        state.State.Profile = profile;
        await state.WriteStateAsync();
    }

    public Task<DateTimeOffset?> Admit(Guid notification)
    {
        var now = clock.GetUtcNow();
        foreach (var old in _sent.Where(s => s.Value <= now.AddHours(-1)).Select(s => s.Key).ToList())
        {
            _sent.Remove(old);
        }
        if (_sent.ContainsKey(notification))
        {
            return Task.FromResult<DateTimeOffset?>(null);
        }
        var until = NotificationRules.CappedUntil(options.Value, _sent.Values.ToList(), now);
        if (until is null)
        {
            _sent[notification] = now;
        }
        return Task.FromResult(until);
    }
}

/// <summary>A staff member's console inbox (站内消息), keyed by username: the newest <see cref="Capacity"/> notifications.</summary>
[Alias("GridActors.IStaffInboxGrain")]
public interface IStaffInboxGrain : IGrainWithStringKey
{
    /// <summary>Adds an item; the same id again is a no-op (a retried send).</summary>
    [Alias("Add")]
    Task Add(InboxItem item);

    /// <summary>The newest items first, and how many are unread.</summary>
    [Alias("Page")]
    Task<InboxPage> Page(int limit);

    /// <summary>Marks every item read; answers how many were unread.</summary>
    [Alias("MarkAllRead")]
    Task<int> MarkAllRead();
}

[GenerateSerializer, Alias("GridActors.StaffInboxState")]
public sealed class StaffInboxState
{
    [Id(0)] public List<InboxItem> Items { get; set; } = [];
}

internal sealed class StaffInboxGrain(
    [PersistentState("staff-inbox", StorageNames.Grains)] IPersistentState<StaffInboxState> state) : Grain, IStaffInboxGrain
{
    internal const int Capacity = 500;

    public async Task Add(InboxItem item)
    {
        if (state.State.Items.Any(i => i.Id == item.Id))
        {
            return;
        }
        state.State.Items.Add(item);
        if (state.State.Items.Count > Capacity)
        {
            state.State.Items.RemoveRange(0, state.State.Items.Count - Capacity);
        }
        await state.WriteStateAsync();
    }

    public Task<InboxPage> Page(int limit) => Task.FromResult(new InboxPage(
        Enumerable.Reverse(state.State.Items).Take(limit).ToArray(), state.State.Items.Count(i => !i.Read)));

    public async Task<int> MarkAllRead()
    {
        var unread = state.State.Items.Count(i => !i.Read);
        if (unread > 0)
        {
            state.State.Items = state.State.Items.Select(i => i with { Read = true }).ToList();
            await state.WriteStateAsync();
        }
        return unread;
    }
}
