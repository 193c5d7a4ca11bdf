using System.Security.Cryptography;
using System.Text;
using GridActors.Grains.GridStaff;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Staff;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridActors.Grains.Notifications;

/// <summary>
/// The notifications of one issue (事件通知), keyed by the issue id: what it owes (events taken from the county's
/// stream and not yet turned into notifications), every notification with its state, and the deadline it will warn of.
/// The only writer of its rows; the county's <see cref="NotifyGrain"/> hands it events, the wake-ups and its own timer
/// wake it to send.
/// </summary>
[Alias("GridActors.IIssueNotificationsGrain")]
public interface IIssueNotificationsGrain : IWakeUpTarget, IGrainWithGuidKey
{
    /// <summary>
    /// Stores the event as owed when it is newer than every event taken before (delivery is at least once), and answers
    /// once it is stored: sending happens after, off the stream's path.
    /// </summary>
    [Alias("Take")]
    Task Take(IssueEvent issueEvent);

    /// <summary>Every notification of the issue, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<Notification>> List();
}

/// <summary>A deadline an issue's holder will be warned of before it passes.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.DeadlineWatch")]
public sealed record DeadlineWatch(
    [property: Id(0)] string Unit,
    [property: Id(1)] DateTimeOffset Deadline,
    [property: Id(2)] long Version,
    [property: Id(3)] string Title,
    [property: Id(4)] string Category,
    [property: Id(5)] bool Warned);

[GenerateSerializer, Alias("GridActors.IssueNotificationsState")]
public sealed class IssueNotificationsState
{
    /// <summary>The newest event version taken: the idempotency key of <see cref="IIssueNotificationsGrain.Take"/>.</summary>
    [Id(0)] public long Version { get; set; }

    /// <summary>Events taken, not yet turned into notifications.</summary>
    [Id(1)] public List<IssueEvent> Owed { get; set; } = [];

    [Id(2)] public List<Notification> Notifications { get; set; } = [];

    [Id(3)] public DeadlineWatch? Watch { get; set; }

    /// <summary>The wake-up asked for (domain time), so one is not asked for again before it comes.</summary>
    [Id(4)] public DateTimeOffset? WakeAt { get; set; }
}

internal sealed partial class IssueNotificationsGrain(
    [PersistentState("issue-notifications", StorageNames.Grains)] IPersistentState<IssueNotificationsState> state,
    IEnumerable<INotificationChannel> channels,
    IOptions<NotificationSettings> options,
    GridClock clock,
    ILogger<IssueNotificationsGrain> logger) : Grain, IIssueNotificationsGrain
{
    // A crash between taking an event and sending is covered by a wake-up this far ahead; the timer sends at once.
    private static readonly TimeSpan Safety = TimeSpan.FromMinutes(2);

    private readonly Dictionary<NotificationChannel, INotificationChannel> _channels = channels.ToDictionary(c => c.Channel);
    // Retries are timed on the runtime's clock (the domain clock may be a test's, standing still); after a restart
    // every retrying notification is due at once.
    private readonly Dictionary<Guid, DateTimeOffset> _retryDue = [];
    // Writes are serialised: sends interleave with Take, and one state must not be written twice at once.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private IGrainTimer? _timer;
    private bool _working;
    private bool _again;

    private Guid IssueId => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Owed.Count > 0 || state.State.Notifications.Any(n => n.State is NotificationState.Pending or NotificationState.Retrying))
        {
            Soon(TimeSpan.Zero);
        }
        return Task.CompletedTask;
    }

    public async Task Take(IssueEvent issueEvent)
    {
        if (issueEvent.Version <= state.State.Version)
        {
            return;
        }
        state.State.Version = issueEvent.Version;
        state.State.Owed.Add(issueEvent);
        await EnsureWakeUp(clock.GetUtcNow() + Safety);
        await Write();
        Soon(TimeSpan.Zero);
    }

    public Task<IReadOnlyList<Notification>> List() => Task.FromResult<IReadOnlyList<Notification>>(state.State.Notifications.ToArray());

    public Task WakeUp()
    {
        // Sent from a timer, not in this call: a slow provider must not hold up the wake-up bucket nor Take.
        state.State.WakeAt = null;
        Soon(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    /// <summary>Runs <see cref="Work"/> after <paramref name="delay"/> on a timer that interleaves, so a slow provider never holds up <see cref="Take"/>.</summary>
    private void Soon(TimeSpan delay)
    {
        _timer?.Dispose();
        // Not kept alive: an idle activation may go, and the wake-ups PlanNext asks for bring back what it still owes.
        _timer = this.RegisterGrainTimer(_ => Work(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
    }

    private async Task Work()
    {
        if (_working)
        {
            // An event taken while a round runs: the round goes again before it ends.
            _again = true;
            return;
        }
        _working = true;
        try
        {
            do
            {
                _again = false;
                await Expand();
                await Warn();
                await SendDue();
            }
            while (_again);
            await PlanNext();
        }
        finally
        {
            _working = false;
        }
        if (_again)
        {
            // A timer or an event came while PlanNext awaited (a retry timer it had just armed can fire then): go again,
            // or that round is lost until the next wake-up.
            Soon(TimeSpan.Zero);
        }
    }

    /// <summary>Turns owed events into notifications, stored in the same write that clears them.</summary>
    private async Task Expand()
    {
        if (state.State.Owed.Count == 0)
        {
            return;
        }
        var owed = state.State.Owed.ToList();
        var made = new List<Notification>();
        foreach (var e in owed)
        {
            Watch(e);
            if (NotificationRules.ForReporter(e) is { } reporterKind)
            {
                if (await GrainFactory.GetGrain<IIssueGrain>(e.IssueId).Reporter() is { Phone: { Length: > 0 } phone } reporter)
                {
                    made.AddRange(await For(new Recipient(RecipientRole.Reporter, NotificationPeople.Phone(phone), reporter.Name, phone), reporterKind, e, e.Unit));
                }
            }
            if (NotificationRules.ForHandlers(e) is { } handlers)
            {
                foreach (var recipient in await Handlers(handlers.Unit))
                {
                    made.AddRange(await For(recipient, handlers.Kind, e, handlers.Unit));
                }
            }
            if (NotificationRules.MissedDeadline(e) is { } missed)
            {
                foreach (var recipient in await Handlers(missed))
                {
                    made.AddRange(await For(recipient, NotificationKind.DeadlinePassed, e, missed));
                }
            }
        }
        var known = state.State.Notifications.Select(n => n.Id).ToHashSet();
        state.State.Notifications.AddRange(made.Where(n => known.Add(n.Id)));
        state.State.Owed.RemoveAll(owed.Contains);
        await Write();
    }

    /// <summary>Keeps the deadline the holder will be warned of: the newest event's, while the issue waits at that unit.</summary>
    private void Watch(IssueEvent e)
    {
        if (state.State.Watch is { } watch && watch.Version > e.Version)
        {
            return;
        }
        state.State.Watch = e.Deadline is { } deadline && NotificationRules.Waiting(e.Status)
            ? state.State.Watch is { } same && same.Unit == e.Unit && same.Deadline == deadline
                ? same with { Version = e.Version }
                : new DeadlineWatch(e.Unit, deadline, e.Version, e.Title, e.Category, Warned: false)
            : null;
    }

    /// <summary>When the warning time of the watched deadline has come, tells the holder's staff, once.</summary>
    private async Task Warn()
    {
        if (state.State.Watch is not { Warned: false } watch || clock.GetUtcNow() < watch.Deadline - options.Value.DeadlineWarning)
        {
            return;
        }
        state.State.Watch = watch with { Warned = true };
        var now = clock.GetUtcNow();
        // The issue itself decides: an event may still be on its way that moved it or settled it.
        var issue = await GrainFactory.GetGrain<IIssueGrain>(IssueId).Get();
        if (now < watch.Deadline && issue is not null && issue.Holder == watch.Unit && issue.Deadline == watch.Deadline && NotificationRules.Waiting(issue.Status))
        {
            var e = new IssueEvent(IssueId, watch.Version, IssueEventKind.Accepted, now, issue.County, issue.OriginGrid, watch.Unit, issue.HolderLevel,
                null, watch.Category, watch.Title, issue.Status, null, Deadline: watch.Deadline);
            foreach (var recipient in await Handlers(watch.Unit))
            {
                state.State.Notifications.AddRange(await For(recipient, NotificationKind.DeadlineApproaching, e, watch.Unit));
            }
        }
        await Write();
    }

    private sealed record Recipient(RecipientRole Role, string Person, string Name, string? Phone, string? Email = null);

    /// <summary>The handlers told of what happens at <paramref name="unit"/>: a grid's leader and workers, and the unit's own staff accounts.</summary>
    private async Task<List<Recipient>> Handlers(string unit)
    {
        var people = new List<Recipient>();
        if (GridCode.TryParse(unit, out var grid, out _))
        {
            var staff = GrainFactory.GetGridStaff(grid);
            if (await staff.Leader() is { } leader)
            {
                people.Add(new Recipient(RecipientRole.GridLeader, NotificationPeople.GridPerson(leader.Person.Id), leader.Person.Name, leader.Person.Phone));
            }
            foreach (var worker in await staff.Workers())
            {
                people.Add(new Recipient(RecipientRole.GridWorker, NotificationPeople.GridPerson(worker.Person.Id), worker.Person.Name, worker.Person.Phone));
            }
        }
        foreach (var username in await GrainFactory.GetGrain<IStaffDirectoryGrain>(0).At(unit))
        {
            var account = await GrainFactory.GetGrain<IStaffAccountGrain>(username).Get();
            if (account is null || account.DisabledAt is not null
                || !account.Roles.Any(r => r is Access.Roles.Handler or Access.Roles.Manager))
            {
                continue;
            }
            people.Add(new Recipient(RecipientRole.Staff, NotificationPeople.Staff(username), account.DisplayName, null));
        }
        return people;
    }

    /// <summary>The notifications of one kind to one person: one per channel they get it on, or one skipped if they opted out.</summary>
    private async Task<List<Notification>> For(Recipient recipient, NotificationKind kind, IssueEvent e, string unit)
    {
        var profile = await GrainFactory.GetGrain<INotificationPersonGrain>(recipient.Person).Profile();
        var phone = recipient.Phone ?? profile.Phone;
        var text = NotificationRules.Text(kind, e.Title, e.Category, e.Deadline);
        var now = clock.GetUtcNow();
        var chosen = NotificationRules.Channels(profile with { Phone = phone }, recipient.Role, kind);
        Notification Make(NotificationChannel channel, string? address, NotificationState state, string? error) =>
            new(Id(e.Version, kind, recipient.Person, channel), IssueId, e.Version, kind, channel, recipient.Role, recipient.Person, recipient.Name,
                address, text, state, 0, now, null, null, error, unit);
        if (chosen.Count == 0)
        {
            return [Make(recipient.Role == RecipientRole.Staff ? NotificationChannel.Inbox : NotificationChannel.Sms, null, NotificationState.Skipped, "opted out of this kind")];
        }
        return chosen.Select(channel => channel switch
        {
            NotificationChannel.Sms when phone is null => Make(channel, null, NotificationState.Skipped, "no phone number"),
            NotificationChannel.Sms => Make(channel, phone, NotificationState.Pending, null),
            NotificationChannel.Email when profile.Email is null => Make(channel, null, NotificationState.Skipped, "no email address"),
            NotificationChannel.Email => Make(channel, profile.Email, NotificationState.Pending, null),
            _ => Make(channel, null, recipient.Role == RecipientRole.Staff ? NotificationState.Pending : NotificationState.Skipped,
                recipient.Role == RecipientRole.Staff ? null : "only staff accounts have a console inbox"),
        }).ToList();
    }

    /// <summary>The same notification always gets the same id, so an event expanded twice (or an inbox item sent twice) is one.</summary>
    private Guid Id(long version, NotificationKind kind, string person, NotificationChannel channel) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{IssueId:N}/{version}/{kind}/{person}/{channel}"))[..16]);

    private async Task SendDue()
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var realNow = TimeProvider.System.GetUtcNow();
        var due = state.State.Notifications.Where(n => n.State switch
        {
            NotificationState.Pending => true,
            NotificationState.Held => n.NextAttemptAt <= now,
            NotificationState.Retrying => !_retryDue.TryGetValue(n.Id, out var at) || at <= realNow,
            _ => false,
        }).ToList();
        if (due.Count == 0)
        {
            return;
        }
        var results = await Task.WhenAll(due.Select(n => Attempt(n, settings, now)));
        var changed = results.ToDictionary(r => r.Id);
        state.State.Notifications = state.State.Notifications.Select(n => changed.GetValueOrDefault(n.Id, n)).ToList();
        await Write();
    }

    private async Task<Notification> Attempt(Notification n, NotificationSettings settings, DateTimeOffset now)
    {
        if (n.Channel == NotificationChannel.Sms && !settings.Urgent.Contains(n.Kind) && NotificationRules.QuietUntil(settings, now) is { } quietEnd)
        {
            return n with { State = NotificationState.Held, NextAttemptAt = quietEnd, Error = "quiet hours" };
        }
        if (n.Channel != NotificationChannel.Inbox && await GrainFactory.GetGrain<INotificationPersonGrain>(n.Person).Admit(n.Id) is { } capEnd)
        {
            return n with { State = NotificationState.Held, NextAttemptAt = capEnd, Error = $"at most {settings.CapPerHour} an hour to one person" };
        }
        if (!_channels.TryGetValue(n.Channel, out var channel))
        {
            return n with { State = NotificationState.Failed, Error = "channel not available" };
        }
        SendResult result;
        try
        {
            result = await channel.Send(n, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A channel answers what went wrong; anything thrown is unexpected, logged without the message's content.
            LogChannelError(logger, ex.GetType().Name, n.Channel, n.IssueId);
            result = SendResult.Retry($"unexpected {ex.GetType().Name}");
        }
        var attempts = n.Attempts + 1;
        var sentAt = clock.GetUtcNow();
        if (result.State == NotificationState.Sent)
        {
            _retryDue.Remove(n.Id);
            LogSent(logger, n.Kind, n.Channel, n.IssueId, n.Role, attempts);
            return n with { State = NotificationState.Sent, Attempts = attempts, SentAt = sentAt, NextAttemptAt = null, Error = null };
        }
        if (result.State == NotificationState.Retrying && attempts < settings.MaxAttempts)
        {
            var wait = NotificationRules.Backoff(settings, attempts);
            _retryDue[n.Id] = TimeProvider.System.GetUtcNow() + wait;
            LogRetrying(logger, n.Kind, n.Channel, n.IssueId, attempts, result.Error ?? "", wait);
            return n with { State = NotificationState.Retrying, Attempts = attempts, NextAttemptAt = sentAt + wait, Error = result.Error };
        }
        _retryDue.Remove(n.Id);
        LogFailed(logger, n.Kind, n.Channel, n.IssueId, attempts, result.Error ?? "");
        return n with { State = NotificationState.Failed, Attempts = attempts, NextAttemptAt = null, Error = result.Error };
    }

    /// <summary>Times the next round: a timer for retries (runtime time), a wake-up for held notifications and the deadline warning (domain time).</summary>
    private async Task PlanNext()
    {
        if (_retryDue.Count > 0 || state.State.Notifications.Any(n => n.State == NotificationState.Retrying))
        {
            var next = _retryDue.Count > 0 ? _retryDue.Values.Min() - TimeProvider.System.GetUtcNow() : TimeSpan.Zero;
            Soon(next > TimeSpan.Zero ? next : TimeSpan.Zero);
        }
        var times = state.State.Notifications.Where(n => n.State is NotificationState.Held or NotificationState.Retrying && n.NextAttemptAt is not null)
            .Select(n => n.NextAttemptAt!.Value).ToList();
        if (state.State.Watch is { Warned: false } watch)
        {
            times.Add(watch.Deadline - options.Value.DeadlineWarning);
        }
        if (times.Count > 0)
        {
            await EnsureWakeUp(times.Min());
            await Write();
        }
    }

    /// <summary>Asks for a wake-up at <paramref name="at"/> unless one already comes by then.</summary>
    private async Task EnsureWakeUp(DateTimeOffset at)
    {
        if (state.State.WakeAt is { } pending && pending <= at && pending >= clock.GetUtcNow())
        {
            return;
        }
        await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.Notifications, IssueId.ToString()), at);
        state.State.WakeAt = at;
    }

    private async Task Write()
    {
        await _writing.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    // Never a phone number, an address or a text in these lines: the issue id and the recipient's role say enough.
    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} by {Channel} for issue {IssueId} sent to its {Role} (attempt {Attempts})")]
    private static partial void LogSent(ILogger logger, NotificationKind kind, NotificationChannel channel, Guid issueId, RecipientRole role, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Kind} by {Channel} for issue {IssueId} failed (attempt {Attempts}: {Error}); trying again in {Wait}")]
    private static partial void LogRetrying(ILogger logger, NotificationKind kind, NotificationChannel channel, Guid issueId, int attempts, string error, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Kind} by {Channel} for issue {IssueId} given up after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, NotificationKind kind, NotificationChannel channel, Guid issueId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Channel} channel threw {Exception} for issue {IssueId}")]
    private static partial void LogChannelError(ILogger logger, string exception, NotificationChannel channel, Guid issueId);
}
