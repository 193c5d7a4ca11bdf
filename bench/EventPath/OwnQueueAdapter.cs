using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace GridActors.Bench.EventPath;

/// <summary>
/// The queues of the project's own stream: a hash ring of <c>QueueCount</c> queues, the same on every silo and in every
/// producer, so a producer knows which queue row to write without asking the adapter.
/// </summary>
internal sealed class OwnStreamQueues(int queueCount)
{
    public HashRingBasedStreamQueueMapper Mapper { get; } =
        new(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, Program.OwnProvider);

    public long QueueOf(StreamId stream) => Mapper.GetQueueForStream(stream).GetNumericId();
}

/// <summary>
/// An event batch as the pulling agent caches it and delivers it to a consumer (so it crosses silos: serializable).
/// The payload is one event; its seq in the event table is its sequence token.
/// </summary>
[GenerateSerializer, Immutable, Alias("eventpath.own-batch")]
internal sealed class OwnBatchContainer(StreamId streamId, long seq, object evt) : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;

    [Id(1)] public long Seq { get; } = seq;

    [Id(2)] public object Event { get; } = evt;

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Seq);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Event is T typed ? [Tuple.Create(typed, SequenceToken)] : [];

    // Trace context travels inside the event (W3C traceparent), not in Orleans' request context: see docs/event-path.md.
    public bool ImportRequestContext() => false;
}

/// <summary>Creates the adapter, the mapper and the cache of the project's own stream over <see cref="EventTable"/>.</summary>
internal sealed class OwnQueueAdapterFactory(string name, EventTable table, OwnStreamQueues queues, Serializer serializer, SimpleQueueCacheOptions cacheOptions, ILoggerFactory loggerFactory)
    : IQueueAdapterFactory
{
    private readonly SimpleQueueAdapterCache _cache = new(cacheOptions, name, loggerFactory);

    public static OwnQueueAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<EventTable>(),
        services.GetRequiredService<OwnStreamQueues>(),
        services.GetRequiredService<Serializer>(),
        services.GetOptionsByName<SimpleQueueCacheOptions>(name),
        services.GetRequiredService<ILoggerFactory>());

#pragma warning disable CS0672, CS0618 // Orleans 10.4 still calls the overloads without a cancellation token.
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(new OwnQueueAdapter(name, table, queues, serializer));
#pragma warning restore CS0672, CS0618

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => queues.Mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}

internal sealed class OwnQueueAdapter(string name, EventTable table, OwnStreamQueues queues, Serializer serializer) : IQueueAdapter
{
    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>
    /// A plain <c>OnNextAsync</c> appends the event in a transaction of its own (no state row). The durable path is the
    /// producer's own write (<see cref="EventTable.WriteState"/>), which appends in the state's transaction.
    /// </summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        var rows = events.Select(e => new EventRow(queues.QueueOf(streamId), streamId.GetNamespace() ?? "", streamId.GetKeyAsString(), serializer.SerializeToArray<object>(e!))).ToList();
        await table.WriteState($"producer/{streamId}", [], rows).ConfigureAwait(false);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new OwnQueueReceiver(queueId.GetNumericId(), table, serializer);
}

/// <summary>
/// Reads one queue past an in-memory checkpoint and deletes what the cache reports delivered. The checkpoint is not
/// stored: a receiver that starts (first start, or after its silo died and the queue moved) reads the queue from its
/// oldest stored event, so everything committed and not yet deleted is delivered again: at least once, never lost.
/// </summary>
/// <remarks>
/// With signals on, the pulling agent's tick (every <c>GetQueueMsgsTimerPeriod</c>) costs no query unless an append
/// signalled this queue or <see cref="SafetyPeriod"/> passed since the last read: a short period buys latency without
/// buying load at rest, which is then bounded by queues / <see cref="SafetyPeriod"/>.
/// </remarks>
internal sealed class OwnQueueReceiver(long queue, EventTable table, Serializer serializer) : IQueueAdapterReceiver
{
    /// <summary>How long a signalled receiver goes without reading when no signal comes (a lost signal costs at most this).</summary>
    public static TimeSpan SafetyPeriod { get; set; } = TimeSpan.FromSeconds(1);

    private long _checkpoint;
    private long _lastRead;

    public Task Initialize(TimeSpan timeout)
    {
        // A new receiver reads at once: its queue may hold what a dead silo's receiver had not deleted.
        _checkpoint = 0;
        _lastRead = 0;
        return Task.CompletedTask;
    }

#pragma warning disable CS0672, CS0618 // Orleans 10.4 still calls the overloads without a cancellation token.
    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        if (table.Signals && _lastRead != 0 && !table.TakeDirty(queue) && Stopwatch.GetElapsedTime(_lastRead) < SafetyPeriod)
        {
            return [];
        }
        _lastRead = Stopwatch.GetTimestamp();
        var max = maxCount <= 0 ? 100 : Math.Min(maxCount, 500);
        var rows = await table.Read(queue, _checkpoint, max).ConfigureAwait(false);
        if (rows.Count == max)
        {
            table.MarkDirty(queue); // more than one read's worth: read again on the next tick
        }
        if (rows.Count == 0)
        {
            return [];
        }
        _checkpoint = rows[^1].Seq;
        return rows
            .Select(r => (IBatchContainer)new OwnBatchContainer(StreamId.Create(r.Namespace, r.Key), r.Seq, serializer.Deserialize<object>(r.Payload)!))
            .ToList();
    }

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages)
    {
        if (messages.Count > 0)
        {
            await table.Delete(queue, messages.Cast<OwnBatchContainer>().Select(m => m.Seq).ToList()).ConfigureAwait(false);
        }
    }
#pragma warning restore CS0672, CS0618

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}
