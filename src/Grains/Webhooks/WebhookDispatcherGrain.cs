using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace GridActors.Grains.Webhooks;

/// <summary>
/// A county's webhook dispatcher: the county's list of subscriptions, and an implicit subscriber of its issue-event
/// stream that hands each event to the subscriptions that want it.
/// </summary>
[Alias("GridActors.IWebhookDispatcherGrain")]
public interface IWebhookDispatcherGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(WebhookRoute route);

    [Alias("Remove")]
    Task Remove(string id);

    /// <summary>The ids of the county's subscriptions whose unit lies within <paramref name="jurisdiction"/>, in id order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string jurisdiction);
}

[GenerateSerializer, Alias("GridActors.WebhookDispatcherState")]
public sealed class WebhookDispatcherState
{
    [Id(0)] public SortedDictionary<string, WebhookRoute> Routes { get; set; } = new(StringComparer.Ordinal);
}

/// <remarks>
/// The stream deletes an event once <see cref="OnNextAsync"/> returns, so the dispatcher returns only after every
/// subscription that wants the event has stored its delivery; a failure makes the stream deliver the event again, and
/// the subscriptions that stored it already ignore it (by issue and version). Storing is one row write per
/// subscription; sending is each subscription's own business, never on this path.
/// </remarks>
[ImplicitStreamSubscription(IssueEvents.Namespace)]
internal sealed partial class WebhookDispatcherGrain(
    [PersistentState("webhook-dispatcher", StorageNames.Grains)] IPersistentState<WebhookDispatcherState> state,
    ILogger<WebhookDispatcherGrain> logger) : Grain, IWebhookDispatcherGrain, IAsyncObserver<IssueEvent>, IStreamSubscriptionObserver
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<IssueEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IssueEvent item, StreamSequenceToken? token = null)
    {
        var wanting = state.State.Routes.Values.Where(r => r.Events.Contains(item.Kind) && WebhookSubscriptionInfo.Concerns(r.Unit, item)).ToArray();
        if (wanting.Length > 0)
        {
            await Task.WhenAll(wanting.Select(r => GrainFactory.GetWebhook(r.Id).Enqueue(item)));
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, ex, this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task Add(WebhookRoute route)
    {
        if (state.State.Routes.TryGetValue(route.Id, out var known) && known == route)
        {
            return;
        }
        state.State.Routes[route.Id] = route;
        await state.WriteStateAsync();
    }

    public async Task Remove(string id)
    {
        if (state.State.Routes.Remove(id))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List(string jurisdiction) => Task.FromResult<IReadOnlyList<string>>(
        state.State.Routes.Values.Where(r => Access.Jurisdictions.Covers(jurisdiction, r.Unit)).Select(r => r.Id).ToArray());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatcher of county {County}: the event stream failed")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string county);
}
