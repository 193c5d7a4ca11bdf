using GridActors.Grains.Infrastructure;
using GridActors.Grains.Queues;
using GridActors.Grains.Stats;

namespace GridActors.Grains.Issues;

/// <summary>
/// An issue's direct notices (to a queue, to a grid's statistics): the inbox row stored with the change that owes the
/// notice, and the call that delivers it (docs/escalation.md). Stream notices are published by the issue grain alone.
/// </summary>
internal static class IssueNotices
{
    public static InboxPost Post(IGrainStateRows store, IGrainFactory grains, QueueNotice notice) =>
        GrainRows.Post(store, grains.Get<IIssueQueueGrain>(notice.Unit).GetGrainId(), notice.Id, notice);

    public static InboxPost Post(IGrainStateRows store, IGrainFactory grains, Guid issue, StatsNotice notice) =>
        GrainRows.Post(store, grains.Get<IResolutionStatsGrain>(notice.Grid).GetGrainId(), notice.Id, notice with { IssueId = issue });

    public static Task Send(IGrainFactory grains, QueueNotice notice) => grains.Get<IIssueQueueGrain>(notice.Unit).Apply(notice);

    public static Task Send(IGrainFactory grains, Guid issue, StatsNotice notice) =>
        grains.Get<IResolutionStatsGrain>(notice.Grid).Apply(notice with { IssueId = issue });
}
