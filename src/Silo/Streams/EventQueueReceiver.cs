using System.Diagnostics;
using Orleans.Serialization;
using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// Reads one queue of <c>stream_event</c> past an in-memory checkpoint and deletes what the cache reports delivered. The
/// checkpoint is not stored: a receiver that starts (the silo's start, or its queue moving here after a silo died) reads
/// its queue from the oldest stored event, so everything committed and not yet deleted is delivered again: at least once,
/// never lost. Subscribers are idempotent by the version.
/// </summary>
/// <remarks>
/// The pulling agent ticks every <c>Streams:PollingPeriodMs</c> (10 ms, for the latency of a hop); a tick reads only when
/// an append signalled this queue (in process after the commit; from other silos by NOTIFY on PostgreSQL) or when
/// <c>Streams:SafetyReadMs</c> passed since the last read, so a silo at rest costs (queues it owns) / safety period reads a
/// second, and a lost signal delays an event by at most that period (docs/event-path.md, "Database load at rest").
/// </remarks>
internal sealed class EventQueueReceiver(long queue, StreamEventSql sql, EventQueues queues, Serializer serializer, TimeSpan safetyRead)
    : IQueueAdapterReceiver
{
    private const int MaxRead = 500;

    private long _checkpoint;
    private long _lastRead;

    public Task Initialize(TimeSpan timeout)
    {
        _checkpoint = 0;
        _lastRead = 0;
        return Task.CompletedTask;
    }

#pragma warning disable CS0672, CS0618 // Orleans 10.4 still calls the overloads without a cancellation token.
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        if (_lastRead != 0 && !queues.TakeDirty(queue) && Stopwatch.GetElapsedTime(_lastRead) < safetyRead)
        {
            return [];
        }
        _lastRead = Stopwatch.GetTimestamp();
        var max = maxCount <= 0 ? MaxRead : Math.Min(maxCount, MaxRead);
        var rows = await sql.Read(queue, _checkpoint, max, CancellationToken.None).ConfigureAwait(false);
        if (rows.Count == max)
        {
            queues.MarkDirty(queue); // more than one read's worth stored: read again on the next tick
        }
        if (rows.Count == 0)
        {
            return [];
        }
        _checkpoint = rows[^1].Seq;
        return rows
            .Select(r => (IBatchContainer)new EventBatchContainer(StreamId.Create(r.Namespace, r.Key), r.Seq, serializer.Deserialize<object>(r.Payload)!))
            .ToList();
    }

    /// <summary>
    /// The cache reports these events done with: those a subscriber failed to take (<see cref="KeepFailedDeliveries"/>)
    /// move to the end of the queue to be read and delivered again; the others are deleted.
    /// </summary>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }
        var seqs = messages.Cast<EventBatchContainer>().Select(m => m.Seq).ToList();
        var failed = queues.TakeFailed(queue, seqs);
        if (failed.Count > 0)
        {
            await sql.Requeue(queue, failed, CancellationToken.None).ConfigureAwait(false);
            queues.MarkDirty(queue);
        }
        var delivered = failed.Count == 0 ? seqs : seqs.Except(failed).ToList();
        if (delivered.Count > 0)
        {
            await sql.Delete(queue, delivered, CancellationToken.None).ConfigureAwait(false);
        }
    }
#pragma warning restore CS0672, CS0618

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}
