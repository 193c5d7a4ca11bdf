using GridActors.Grains.Infrastructure;
using GridActors.Silo.Storage;
using Orleans.Serialization;
using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// The adapter of the durable stream over <c>stream_event</c>. Its producers normally append through the grain storage,
/// in the transaction of their change (<see cref="IGrainStateRows"/>); <c>OnNextAsync</c> appends through the same
/// storage in a transaction of its own.
/// </summary>
internal sealed class EventQueueAdapter(
    string name, GroupCommitGrainStorage storage, StreamEventSql sql, EventQueues queues, Serializer serializer, TimeSpan safetyRead) : IQueueAdapter
{
    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        storage.Append(events.Select(e => new StreamAppend(streamId, e!)).ToList());

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new EventQueueReceiver(queueId.GetNumericId(), sql, queues, serializer, safetyRead);
}
