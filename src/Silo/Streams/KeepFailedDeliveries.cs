using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// The delivery failure handler of one queue of the durable stream. The pulling agent calls it when a subscriber still
/// failed after its retries (<c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>) and then moves on; Orleans' no-op
/// handler would let the event be deleted with its batch, losing a notice nothing else holds. This one names the event
/// to its receiver, which keeps it: the row is moved to the end of its queue and delivered again, so a subscriber that
/// is down (its silo dying, its database away) gets the event when it is back. Subscribers apply by version, so the
/// subscribers of the same stream that did take it ignore the second copy.
/// </summary>
internal sealed partial class KeepFailedDeliveries(long queue, EventQueues queues, ILogger<KeepFailedDeliveries> logger) : IStreamFailureHandler
{
    // Implicit subscriptions are never faulted by the agent anyway; an explicit one stays, to be delivered again.
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        Keep(streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        Keep(streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    private void Keep(StreamId stream, StreamSequenceToken? token)
    {
        if (token is null)
        {
            return;
        }
        queues.MarkFailed(queue, token.SequenceNumber);
        LogKept(logger, stream.ToString(), token.SequenceNumber, queue);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream event {Seq} of {Stream} (queue {Queue}) was not delivered after the pulling agent's retries; it is kept and delivered again")]
    private static partial void LogKept(ILogger logger, string stream, long seq, long queue);
}
