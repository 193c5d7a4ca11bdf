using GridActors.Grains.Access;
using GridActors.Grains.Audit;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues.Events;
using GridActors.Grains.Scheduling;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GridActors.Grains.Webhooks;

/// <remarks>
/// Reentrant so that storing a delivery (the dispatcher waits for it) never waits behind a receiver that is slow to
/// answer: sending runs in a pump that interleaves with calls at its awaits. Everything the pump and the calls share is
/// changed between awaits only, and row writes go one at a time (<see cref="Save"/>), each built with the versions the
/// previous one left.
/// </remarks>
[Reentrant]
internal sealed partial class WebhookSubscriptionGrain(
    GridClock clock, WebhookSender sender, ILogger<WebhookSubscriptionGrain> logger) : Grain, IWebhookSubscriptionGrain
{
    internal const string HeadRow = "webhook";

    /// <summary>Deliveries sent at once: each to a different issue, so order per issue holds.</summary>
    private const int Parallel = 16;

    private const int KeptAttempts = 10;

    private GrainRows _store = null!;
    private WebhookSubscriptionState _head = new();
    private readonly SortedDictionary<long, WebhookDelivery> _deliveries = [];
    private readonly Dictionary<Guid, long> _sequenceOf = [];
    private long _nextSequence = 1;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private Task? _pump;
    private bool _kicked;
    private DateTimeOffset? _wakeUpAt;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = GrainRows.For(this);
        foreach (var (name, payload) in await _store.Load(HeadRow))
        {
            if (name == HeadRow)
            {
                _head = _store.Read<WebhookSubscriptionState>(payload);
            }
            else if (GrainRows.IsItem(HeadRow, name, out Guid _))
            {
                var delivery = _store.Read<WebhookDelivery>(payload);
                _deliveries[delivery.Sequence] = delivery;
                _sequenceOf[delivery.Id] = delivery.Sequence;
                _nextSequence = Math.Max(_nextSequence, delivery.Sequence + 1);
            }
        }
        if (_head.Info is { Status: WebhookStatus.Active } && _deliveries.Values.Any(d => d.Status == WebhookDeliveryStatus.Pending))
        {
            Kick();
        }
    }

    public async Task<WebhookCreation> CreateOnce(WebhookSubscriptionInfo info, string secret, string fingerprint)
    {
        if (_head.Info is { } existing)
        {
            return _head.Fingerprint == fingerprint
                ? new WebhookCreation(WebhookCreationStatus.Replayed, Shown(), _head.Secret == secret)
                : new WebhookCreation(WebhookCreationStatus.Mismatch, null, false);
        }
        if (_head.Deleted)
        {
            return new WebhookCreation(WebhookCreationStatus.Mismatch, null, false);
        }
        var head = new WebhookSubscriptionState { Info = info with { Id = Id }, Secret = secret, Fingerprint = fingerprint };
        await Save(() => [_store.Set(HeadRow, head)]);
        _head = head;
        return new WebhookCreation(WebhookCreationStatus.Created, Shown(), true);
    }

    public Task<WebhookSubscriptionInfo?> Get() => Task.FromResult(Shown());

    private WebhookSubscriptionInfo? Shown() => _head.Info is { } info
        ? info with { Pending = _deliveries.Values.Count(d => d.Status == WebhookDeliveryStatus.Pending) }
        : null;

    public async Task Enqueue(IssueEvent e)
    {
        if (_head.Info is not { } info || !info.Wants(e))
        {
            return;
        }
        var id = WebhookSignature.DeliveryId(Id, e.IssueId, e.Version);
        if (_sequenceOf.ContainsKey(id))
        {
            return;
        }
        var now = clock.GetUtcNow();
        var delivery = new WebhookDelivery(id, _nextSequence++, e, WebhookDeliveryStatus.Pending, now, now, null, 0, []);
        // Taken before the write, so the same event arriving again meanwhile is not stored twice.
        _deliveries[delivery.Sequence] = delivery;
        _sequenceOf[id] = delivery.Sequence;
        try
        {
            await Save(() => [_store.Set(RowName(id), delivery)]);
        }
        catch
        {
            _deliveries.Remove(delivery.Sequence);
            _sequenceOf.Remove(id);
            throw;
        }
        Kick();
    }

    public async Task<WebhookSubscriptionInfo?> Pause(string reason, Actor by)
    {
        if (_head.Info is not { } info)
        {
            return null;
        }
        if (info.Status != WebhookStatus.Paused)
        {
            await SaveHead(info with { Status = WebhookStatus.Paused, PausedAt = clock.GetUtcNow(), PausedReason = reason });
        }
        return Shown();
    }

    public async Task<WebhookSubscriptionInfo?> Resume(Actor by)
    {
        if (_head.Info is not { } info)
        {
            return null;
        }
        if (info.Status != WebhookStatus.Active)
        {
            await SaveHead(info with { Status = WebhookStatus.Active, PausedAt = null, PausedReason = null, FailingSince = null });
            // Everything queued is due at once: the receiver is said to be back.
            var now = clock.GetUtcNow();
            var due = _deliveries.Values.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt > now).ToArray();
            foreach (var part in due.Chunk(GrainRows.MaxRowsPerWrite))
            {
                var changed = part.Select(d => d with { NextAttemptAt = now }).ToArray();
                foreach (var d in changed)
                {
                    _deliveries[d.Sequence] = d;
                }
                await Save(() => changed.Select(d => _store.Set(RowName(d.Id), d)).ToArray());
            }
            Kick();
        }
        return Shown();
    }

    public async Task<bool> Delete()
    {
        if (_head.Info is null)
        {
            return false;
        }
        var head = new WebhookSubscriptionState { Deleted = true };
        var rows = _deliveries.Values.Select(d => RowName(d.Id)).ToArray();
        await Save(() => [_store.Set(HeadRow, head)]);
        _head = head;
        foreach (var part in rows.Chunk(GrainRows.MaxRowsPerWrite))
        {
            await Save(() => part.Select(_store.Clear).ToArray());
        }
        _deliveries.Clear();
        _sequenceOf.Clear();
        return true;
    }

    public Task<WebhookDeliveryPage> Deliveries(long? before, int limit)
    {
        var older = _deliveries.Values.Reverse().Where(d => before is null || d.Sequence < before).ToArray();
        var page = older.Take(limit).ToArray();
        return Task.FromResult(new WebhookDeliveryPage(page, older.Length > page.Length ? page[^1].Sequence : null, _deliveries.Count));
    }

    public async Task<int> Replay(DateTimeOffset from, DateTimeOffset to)
    {
        if (_head.Info is null)
        {
            return 0;
        }
        var now = clock.GetUtcNow();
        var replayed = _deliveries.Values.Where(d => d.Status == WebhookDeliveryStatus.Delivered && d.Event.At >= from && d.Event.At < to).ToArray();
        foreach (var part in replayed.Chunk(GrainRows.MaxRowsPerWrite))
        {
            // A replay goes to the end of the queue with a new sequence (after anything newer of its issue that is still
            // pending it would break the order per issue, so it follows it), keeping its id: a receiver that has it may drop it.
            var queued = part.Select(d => d with { Sequence = _nextSequence++, Status = WebhookDeliveryStatus.Pending, NextAttemptAt = now, Replays = d.Replays + 1 }).ToArray();
            foreach (var (old, d) in part.Zip(queued))
            {
                _deliveries.Remove(old.Sequence);
                _deliveries[d.Sequence] = d;
                _sequenceOf[d.Id] = d.Sequence;
            }
            await Save(() => queued.Select(d => _store.Set(RowName(d.Id), d)).ToArray());
        }
        Kick();
        return replayed.Length;
    }

    public Task WakeUp()
    {
        // Not waiting for the pump: the wake-up dispatcher's one reminder must not wait on receivers.
        _wakeUpAt = null;
        Kick();
        return Task.CompletedTask;
    }

    private static string RowName(Guid delivery) => GrainRows.ItemName(HeadRow, delivery);

    /// <summary>Starts the pump, or tells the running one to look again before it stops.</summary>
    private void Kick()
    {
        if (_head.Info is not { Status: WebhookStatus.Active })
        {
            return;
        }
        if (_pump is { IsCompleted: false })
        {
            _kicked = true;
            return;
        }
        _pump = Pump();
    }

    private async Task Pump()
    {
        try
        {
            while (true)
            {
                _kicked = false;
                var due = Due();
                if (due.Count == 0)
                {
                    if (_kicked)
                    {
                        continue;
                    }
                    break;
                }
                await Task.WhenAll(due.Select(Attempt));
            }
            Prune();
            await EnsureWakeUp();
        }
        catch (Exception e)
        {
            // What failed is still pending in storage; the wake-up (or the next event) starts the pump again.
            LogPumpFailed(logger, e, Id);
        }
    }

    /// <summary>
    /// The deliveries to attempt now: in queue order, the first pending one of each issue, if it is due. A later event
    /// of an issue waits until the earlier one is delivered, which is what keeps order per issue.
    /// </summary>
    private List<WebhookDelivery> Due()
    {
        var due = new List<WebhookDelivery>();
        if (_head.Info is not { Status: WebhookStatus.Active })
        {
            return due;
        }
        var now = clock.GetUtcNow();
        var seen = new HashSet<Guid>();
        foreach (var d in _deliveries.Values)
        {
            if (d.Status != WebhookDeliveryStatus.Pending || !seen.Add(d.Event.IssueId))
            {
                continue;
            }
            if (d.NextAttemptAt <= now)
            {
                due.Add(d);
                if (due.Count == Parallel)
                {
                    break;
                }
            }
        }
        return due;
    }

    private async Task Attempt(WebhookDelivery d)
    {
        if (_head is not { Info: { } info, Secret: { } secret })
        {
            return;
        }
        var at = clock.GetUtcNow();
        var outcome = await sender.Send(info.Url, secret, d.Id, at.ToUnixTimeSeconds(), WebhookSignature.Body(Id, d.Id, d.Event));
        if (!_deliveries.TryGetValue(d.Sequence, out var current) || current.Id != d.Id)
        {
            return; // deleted meanwhile
        }
        var now = clock.GetUtcNow();
        var attempt = new WebhookAttempt(at, outcome.StatusCode, outcome.Error, (int)outcome.Elapsed.TotalMilliseconds);
        var attempts = current.Attempts.Append(attempt).TakeLast(KeptAttempts).ToArray();
        var failures = current.Attempts.Count(a => a.StatusCode is not (>= 200 and < 300)) + 1;
        var next = outcome.Delivered
            ? current with { Status = WebhookDeliveryStatus.Delivered, DeliveredAt = now, NextAttemptAt = null, AttemptCount = current.AttemptCount + 1, Attempts = attempts }
            : current with { NextAttemptAt = now + WebhookRetries.After(failures), AttemptCount = current.AttemptCount + 1, Attempts = attempts };
        _deliveries[d.Sequence] = next;
        await Save(() => [_store.Set(RowName(next.Id), next)]);
        if (_head.Info is not { } latest)
        {
            return;
        }
        if (outcome.Delivered)
        {
            if (latest.FailingSince is not null)
            {
                await SaveHead(latest with { FailingSince = null });
            }
        }
        else if (latest.FailingSince is null)
        {
            await SaveHead(latest with { FailingSince = at });
        }
        else if (latest.Status == WebhookStatus.Active && WebhookRetries.GiveUp(latest.FailingSince, now))
        {
            await PauseFailing(latest, outcome, now);
        }
    }

    /// <summary>
    /// Every attempt failed for a day: the subscription stops, keeps queueing, and its owner is told in the audit log of
    /// the subscription's county (read by the county's admins) and on the subscription itself.
    /// </summary>
    private async Task PauseFailing(WebhookSubscriptionInfo info, WebhookOutcome last, DateTimeOffset now)
    {
        var reason = $"every delivery failed since {info.FailingSince:u} (last: {last.Error ?? "no answer"}); resume it once the receiver answers 2xx";
        await SaveHead(info with { Status = WebhookStatus.Paused, PausedAt = now, PausedReason = reason });
        LogPaused(logger, Id, info.Url, info.OwnerApp);
        await GrainFactory.GetAuditLog().Append([new AuditRead(now, info.OwnerKeyId, info.OwnerApp, $"webhook {Id} paused: {reason}", info.Unit)]);
    }

    private async Task SaveHead(WebhookSubscriptionInfo info)
    {
        var head = new WebhookSubscriptionState { Info = info, Secret = _head.Secret, Fingerprint = _head.Fingerprint };
        await Save(() => [_store.Set(HeadRow, head)]);
        _head = head;
    }

    /// <summary>Writes rows one write at a time; <paramref name="rows"/> is built inside, with the versions the last write left.</summary>
    private async Task Save(Func<IReadOnlyList<RowWrite>> rows)
    {
        await _writes.WaitAsync();
        try
        {
            await _store.Write(rows());
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Delivered records past their keeping time leave memory and storage (no longer listed or replayed).</summary>
    private void Prune()
    {
        var before = clock.GetUtcNow() - WebhookRetries.KeepDelivered;
        var old = _deliveries.Values.Where(d => d.Status == WebhookDeliveryStatus.Delivered && d.DeliveredAt < before).ToArray();
        if (old.Length == 0)
        {
            return;
        }
        foreach (var d in old)
        {
            _deliveries.Remove(d.Sequence);
            _sequenceOf.Remove(d.Id);
        }
        _ = PruneRows(old);
    }

    private async Task PruneRows(WebhookDelivery[] old)
    {
        try
        {
            foreach (var part in old.Chunk(GrainRows.MaxRowsPerWrite))
            {
                await Save(() => part.Select(d => _store.Clear(RowName(d.Id))).ToArray());
            }
        }
        catch (Exception e)
        {
            LogPumpFailed(logger, e, Id);
        }
    }

    /// <summary>One wake-up at the earliest retry still pending, on the domain clock (tests move it).</summary>
    private async Task EnsureWakeUp()
    {
        if (_head.Info is not { Status: WebhookStatus.Active })
        {
            return;
        }
        var next = _deliveries.Values.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt is not null).Select(d => d.NextAttemptAt!.Value).DefaultIfEmpty().Min();
        if (next == default || (_wakeUpAt is { } pending && pending <= next && pending >= clock.GetUtcNow()))
        {
            return;
        }
        await WakeUps.Schedule(GrainFactory, clock, new WakeUpTarget(WakeUpKind.Webhook, Id), next);
        _wakeUpAt = next;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id}: sending stopped on an error; pending deliveries wait for the next wake-up")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id} to {Url} of app {App} paused: every delivery failed for a day")]
    private static partial void LogPaused(ILogger logger, string id, string url, string app);
}
