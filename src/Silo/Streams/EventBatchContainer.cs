using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// One stored event as the pulling agent caches it and delivers it (so it crosses silos: serializable). Its seq in
/// <c>stream_event</c> is its sequence token.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridactors.stream-event")]
internal sealed class EventBatchContainer(StreamId streamId, long seq, object evt) : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;

    [Id(1)] public long Seq { get; } = seq;

    [Id(2)] public object Event { get; } = evt;

    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Seq);

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Event is T typed ? [Tuple.Create(typed, SequenceToken)] : [];

    // Trace context travels inside the event (W3C traceparent), not in Orleans' request context (docs/event-path.md).
    public bool ImportRequestContext() => false;
}
