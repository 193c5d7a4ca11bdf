using System.Diagnostics;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Issues;
using GridActors.Grains.Queues;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Open311;

[GenerateSerializer, Alias("GridActors.ServiceRequestRegisterState")]
public sealed class ServiceRequestRegisterState
{
    /// <summary>Unit code → the latest arrival time read from its queue.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Marks { get; set; } = [];
}

/// <summary>
/// Catching up: each unit's queue lists its issues by arrival time, so the register asks every queue of the
/// county only for what arrived after the mark it keeps for that queue. It reads from an hour before the mark,
/// because a queue learns of an arrival after the issue wrote it (the notice is delivered after the issue's
/// write, and re-sent if lost), so an arrival can appear in a queue later than one that arrived after it.
/// An issue met for the first time is read once, for the day it was reported; the ids met in the last
/// hours are remembered, so the overlap costs no second read.
/// </summary>
internal sealed partial class ServiceRequestRegisterGrain(
    [PersistentState("open311-request-register", StorageNames.Grains)] IPersistentState<ServiceRequestRegisterState> state,
    ILogger<ServiceRequestRegisterGrain> logger)
    : Grain, IServiceRequestRegisterGrain
{
    private static readonly TimeSpan Overlap = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnitsFor = TimeSpan.FromMinutes(1);
    private const int PageSize = 500;
    private const int CallsAtOnce = 256;
    private const int RememberAtMost = 100_000;

    /// <summary>Issue id → the latest arrival at which the register met it.</summary>
    private readonly Dictionary<Guid, DateTimeOffset> _met = [];
    private long? _caughtUpAt;
    private IReadOnlyList<string>? _units;
    private long _unitsAt;

    private CountyCode County => new(UnitCode.Parse(this.GetPrimaryKeyString()));

    public async Task Record(ServiceRequestEntry entry)
    {
        await GrainFactory.GetServiceRequestDay(County, entry.RequestedAt).Add(entry);
        _met[entry.IssueId] = entry.RequestedAt;
    }

    public async Task<IReadOnlyList<ServiceRequestEntry>> Find(ServiceRequestQuery query, TimeSpan maxStaleness)
    {
        if (_caughtUpAt is not { } at || Stopwatch.GetElapsedTime(at) >= maxStaleness)
        {
            var started = Stopwatch.GetTimestamp();
            await CatchUp();
            _caughtUpAt = started;
        }
        var days = ServiceRequestDays.Between(query.From, query.To).ToArray();
        var lists = await Task.WhenAll(days.Select(d => GrainFactory.GetServiceRequestDay(County, d).List()));
        var codes = query.ServiceCodes is null ? null : query.ServiceCodes.ToHashSet(StringComparer.Ordinal);
        return lists.SelectMany(l => l)
            .Where(e => e.RequestedAt >= query.From && e.RequestedAt <= query.To && (codes is null || codes.Contains(e.ServiceCode)))
            .OrderByDescending(e => e.RequestedAt).ThenBy(e => e.IssueId)
            .ToArray();
    }

    private async Task CatchUp()
    {
        var started = Stopwatch.GetTimestamp();
        var units = await Units();
        var arrivals = new List<QueueEntry>();
        var marks = new Dictionary<string, DateTimeOffset>();
        foreach (var chunk in units.Chunk(CallsAtOnce))
        {
            var read = await Task.WhenAll(chunk.Select(ReadArrivals));
            foreach (var (unit, entries) in read)
            {
                arrivals.AddRange(entries);
                if (entries.Count > 0)
                {
                    var latest = entries.Max(e => e.ArrivedAt);
                    if (!state.State.Marks.TryGetValue(unit, out var mark) || latest > mark)
                    {
                        marks[unit] = latest;
                    }
                }
            }
        }

        // An issue met before (at its grid, or recorded by an Open311 POST) is in its day book already; one
        // that moved on to another level arrives again but needs nothing more.
        var unknown = arrivals.Select(e => e.IssueId).Where(id => !_met.ContainsKey(id)).Distinct().ToArray();
        var learnt = new List<ServiceRequestEntry>();
        foreach (var chunk in unknown.Chunk(CallsAtOnce))
        {
            var views = await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IIssueGrain>(id).Get()));
            learnt.AddRange(views.OfType<IssueView>().Where(v => v.County == County.ToString())
                .Select(v => new ServiceRequestEntry(v.Id, v.ReportedAt, v.Category)));
        }
        // The day books first, then the marks: if the second write fails, the next catch-up reads the same
        // arrivals again, and adding them twice changes nothing.
        await Task.WhenAll(learnt.GroupBy(e => ServiceRequestDays.Key(County, Stats.StatsCalendar.Day(e.RequestedAt)))
            .Select(day => GrainFactory.GetGrain<IServiceRequestDayGrain>(day.Key).AddMany(day.ToArray())));
        foreach (var arrival in arrivals)
        {
            _met[arrival.IssueId] = _met.TryGetValue(arrival.IssueId, out var metAt) && metAt > arrival.ArrivedAt ? metAt : arrival.ArrivedAt;
        }
        Forget();
        if (marks.Count > 0)
        {
            foreach (var (unit, mark) in marks)
            {
                state.State.Marks[unit] = mark;
            }
            await state.WriteStateAsync();
        }
        LogCaughtUp(logger, County.ToString(), units.Count, arrivals.Count, learnt.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<(string Unit, List<QueueEntry> Entries)> ReadArrivals(string unit)
    {
        var queue = GrainFactory.GetGrain<IIssueQueueGrain>(unit);
        string? cursor = state.State.Marks.TryGetValue(unit, out var mark)
            ? QueueCursor.Write(new QueueEntry(Guid.Empty, "", "", IssueStatus.Reported, "", mark - Overlap, null, 0))
            : null;
        var entries = new List<QueueEntry>();
        do
        {
            var page = await queue.List(new QueueQuery(QueueFilter.All, null, null, cursor, PageSize));
            entries.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return (unit, entries);
    }

    /// <summary>Every unit of the county (its queues hold every issue), re-read at most once a minute.</summary>
    private async Task<IReadOnlyList<string>> Units()
    {
        if (_units is not null && Stopwatch.GetElapsedTime(_unitsAt) < UnitsFor)
        {
            return _units;
        }
        var tree = await GrainFactory.GetCounty(County).GetSubtree();
        var codes = new List<string>();
        if (tree is not null)
        {
            Flatten(tree, codes);
        }
        _units = codes;
        _unitsAt = Stopwatch.GetTimestamp();
        return codes;
    }

    private static void Flatten(UnitTreeNode node, List<string> codes)
    {
        codes.Add(node.Code);
        foreach (var child in node.Children)
        {
            Flatten(child, codes);
        }
    }

    /// <summary>Keeps the memory of met ids bounded: only arrivals within twice the overlap of the newest matter.</summary>
    private void Forget()
    {
        if (_met.Count <= RememberAtMost)
        {
            return;
        }
        var newest = _met.Values.Max();
        foreach (var id in _met.Where(m => m.Value < newest - Overlap - Overlap).Select(m => m.Key).ToArray())
        {
            _met.Remove(id);
        }
        if (_met.Count > RememberAtMost)
        {
            _met.Clear(); // a burst: forgetting only costs one more read of each issue next time
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Open311 register {County} caught up: {Units} queues, {Arrivals} arrivals, {Learnt} new issues in {Milliseconds} ms")]
    private static partial void LogCaughtUp(ILogger logger, string county, int units, int arrivals, int learnt, double milliseconds);
}
