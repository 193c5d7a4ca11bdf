using GridActors.Grains.Issues.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace GridActors.Grains.Notifications;

/// <summary>A county's notifier: the listener of its issue-event stream that notifications start from.</summary>
[Alias("GridActors.INotifyGrain")]
public interface INotifyGrain : IGrainWithStringKey;

/// <summary>
/// Listens to the county's issue events and hands each to its issue's <see cref="IIssueNotificationsGrain"/>, which
/// stores it before answering: the stream deletes an event once this returns, so nothing is owed only in memory. A
/// failure here fails the delivery, which the stream retries and then keeps (docs/event-path.md).
/// </summary>
[ImplicitStreamSubscription(IssueEvents.Namespace)]
internal sealed partial class NotifyGrain(ILogger<NotifyGrain> logger) : Grain, INotifyGrain, IAsyncObserver<IssueEvent>, IStreamSubscriptionObserver
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<IssueEvent>().ResumeAsync(this);

    public Task OnNextAsync(IssueEvent item, StreamSequenceToken? token = null) =>
        GrainFactory.GetGrain<IIssueNotificationsGrain>(item.IssueId).Take(item);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications of county {County}: the event stream failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string county);
}
