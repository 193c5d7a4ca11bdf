using System.Collections.Concurrent;
using GridActors.Grains.Infrastructure;
using Orleans.Configuration;
using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// The queues of the durable event stream (<see cref="StreamNames.Provider"/>): a hash ring of <see cref="Count"/> queues,
/// the same in the grain storage that appends an event and in the stream provider that reads it, so the storage writes an
/// event into the queue its receiver will read without asking the provider. And the signals: which queues had events
/// appended since their receiver last read, so a receiver's tick costs no query when nothing was appended
/// (docs/event-path.md, "Database load at rest").
/// </summary>
internal sealed class EventQueues
{
    private readonly ConcurrentDictionary<long, bool> _dirty = new();
    private readonly ConcurrentDictionary<(long Queue, long Seq), bool> _failed = new();

    public EventQueues(int count)
    {
        Count = count;
        Mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = count }, StreamNames.Provider);
    }

    /// <summary><c>Streams:Queues</c>, default 8: receivers a cluster spreads over its silos. Changing it moves streams between queues.</summary>
    public static EventQueues FromConfiguration(IConfiguration configuration)
    {
        var count = configuration.GetValue("Streams:Queues", 8);
        if (count is < 1 or > 1024)
        {
            throw new InvalidOperationException($"Streams:Queues must be between 1 and 1024 (got {count}); environment variable Streams__Queues.");
        }
        return new EventQueues(count);
    }

    public int Count { get; }

    public HashRingBasedStreamQueueMapper Mapper { get; }

    public long QueueOf(StreamId stream) => Mapper.GetQueueForStream(stream).GetNumericId();

    /// <summary>Marks <paramref name="queue"/> as holding events its receiver has not read.</summary>
    public void MarkDirty(long queue) => _dirty[queue] = true;

    /// <summary>Takes the mark of <paramref name="queue"/>: true if it was set since the last take.</summary>
    public bool TakeDirty(long queue) => _dirty.TryUpdate(queue, false, true);

    /// <summary>Notes that event <paramref name="seq"/> of <paramref name="queue"/> was not delivered (<see cref="KeepFailedDeliveries"/>).</summary>
    public void MarkFailed(long queue, long seq) => _failed[(queue, seq)] = true;

    /// <summary>Which of <paramref name="seqs"/> of <paramref name="queue"/> failed to be delivered; their marks are taken.</summary>
    public List<long> TakeFailed(long queue, IEnumerable<long> seqs) => seqs.Where(seq => _failed.TryRemove((queue, seq), out _)).ToList();

    /// <summary>Marks every queue: signals may have been missed (a listener that lost its connection).</summary>
    public void MarkAllDirty()
    {
        foreach (var queue in Mapper.GetAllQueues())
        {
            _dirty[queue.GetNumericId()] = true;
        }
    }
}
