using GridActors.Grains.Infrastructure;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace GridActors.Grains.Stars;

/// <summary>
/// 星级榜 of a village, township or county for a year (key <c>{unit}-{year}</c>), kept summed as ratings change
/// instead of asking every rating when the board is read: a county of 2,000 groups and 25,000 members would
/// otherwise be 27,000 grain calls (and as many storage reads when cold) per request.
/// A village's board holds one entry per published rating, sent by the rating on every change. Every board sends
/// its parent its line (distributions and counts, absolute, under a rising sequence) with at most one send in
/// flight, as the resolution statistics do (docs/escalation.md), so a county receives at most one call in flight
/// per township whatever the number of ratings. A township or county keeps only its children's lines; its rows
/// are read a page at a time from the villages the page falls in, found from those lines. See docs/stars.md.
/// </summary>
[Alias("GridActors.IStarBoardGrain")]
public interface IStarBoardGrain : IWakeUpTarget, IGrainWithStringKey
{
    /// <summary>A rating changed (village boards only); applied when newer than the entry held.</summary>
    [Alias("Upsert")]
    Task Upsert(StarBoardEntry entry);

    /// <summary>A child's line; applied when its sequence is newer than the one held.</summary>
    [Alias("ApplySummary")]
    Task ApplySummary(string child, StarBoardSummary summary);

    /// <summary>Null when the unit is not registered. Rows of a township or county are paged (page from 1).</summary>
    [Alias("Get")]
    Task<StarBoard?> Get(int page, int pageSize);

    /// <summary>
    /// Published rows in board order: groups by grid, members by village then score (highest first). Interleaves:
    /// a parent reading a page asks its children while a child may be waiting on the parent to take its line; the
    /// read lets that cycle through instead of both waiting for the call timeout. It changes nothing and reads the
    /// children to ask before its first await.
    /// </summary>
    [Alias("Rows"), AlwaysInterleave]
    Task<StarBoardRows> Rows(int groupSkip, int groupTake, int memberSkip, int memberTake);
}

[GenerateSerializer, Alias("GridActors.StarBoardState")]
public sealed class StarBoardState
{
    /// <summary>Village boards: published ratings by "kind:id".</summary>
    [Id(0)] public Dictionary<string, StarBoardEntry> Entries { get; set; } = [];
    /// <summary>Township and county boards: each child's last line.</summary>
    [Id(1)] public Dictionary<string, StarBoardSummary> Children { get; set; } = [];
    /// <summary>Rises with every change; the parent applies a line once per sequence.</summary>
    [Id(2)] public long Sequence { get; set; }
    [Id(4)] public DateTimeOffset? WakeUpAt { get; set; }
}

internal sealed partial class StarBoardGrain(
    [PersistentState("star-board", StorageNames.Grains)] IPersistentState<StarBoardState> state,
    GridClock clock,
    ILogger<StarBoardGrain> logger) : Grain, IStarBoardGrain
{
    private IGrainTimer? _push;
    private (UnitCode Unit, int Year)? _key;

    // The last sequence the parent confirmed. Kept in memory only: a new activation sends its line once more, and the
    // parent ignores a sequence it has (rows written before this kept it as [Id(3)], which is now skipped).
    private long _confirmed;

    private StarBoardState S => state.State;

    // Parsed once per activation.
    private (UnitCode Unit, int Year) Key => _key ??= Parse(this.GetPrimaryKeyString());

    private static (UnitCode, int) Parse(string key)
    {
        var (unit, year) = StarKeys.Parse(key);
        return (UnitCode.Parse(unit), year);
    }

    private bool IsVillage => Key.Unit.Level == UnitLevel.Village;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        SchedulePush();
        return Task.CompletedTask;
    }

    public async Task Upsert(StarBoardEntry entry)
    {
        var id = $"{entry.Kind}:{entry.Id}";
        if (S.Entries.TryGetValue(id, out var held) && held.Version >= entry.Version)
        {
            return;
        }
        S.Entries[id] = entry;
        await Changed();
    }

    public async Task ApplySummary(string child, StarBoardSummary summary)
    {
        if (S.Children.TryGetValue(child, out var held) && held.Sequence >= summary.Sequence)
        {
            return;
        }
        S.Children[child] = summary;
        await Changed();
    }

    public async Task<StarBoard?> Get(int page, int pageSize)
    {
        var (unit, year) = Key;
        var line = Line();
        if (IsVillage)
        {
            // A village is small (about 8 groups, 100 members): its roster is read to list who is not published yet.
            if (await GrainFactory.GetGrain<IStarRaterGrain>(0).Subjects(unit) is not { } subjects)
            {
                return null;
            }
            var now = clock.GetUtcNow();
            var rows = subjects.Select(s => S.Entries.TryGetValue($"{s.Kind}:{s.Id}", out var e)
                ? e.Row(now)
                : new StarBoardRow(s.Kind, s.Id, s.Name, s.Grid, RatingStatus.NotPublished, null, null)).ToArray();
            var groups = rows.Where(r => r.Kind == StarSubjectKind.Group).OrderBy(r => r.Grid, StringComparer.Ordinal).ToArray();
            var members = rows.Where(r => r.Kind == StarSubjectKind.Member).OrderByDescending(r => r.Score ?? -1).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
            var grids = S.Entries.Values.GroupBy(e => e.Grid).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => LineOf(g.Key, g.ToArray(), now)).ToArray();
            return new StarBoard(unit.Value, year, groups, members, line.GroupDistribution, line.MemberDistribution, grids,
                line.GroupsPublished, line.MembersPublished, line.OpenObjections, 1, Math.Max(groups.Length, members.Length));
        }
        if (!await GrainFactory.GetUnit(unit).IsRegistered())
        {
            return null;
        }
        var skip = (page - 1) * pageSize;
        var slice = await Rows(skip, pageSize, skip, pageSize);
        var units = S.Children.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.Line).ToArray();
        return new StarBoard(unit.Value, year, slice.Groups, slice.Members, line.GroupDistribution, line.MemberDistribution, units,
            line.GroupsPublished, line.MembersPublished, line.OpenObjections, page, pageSize);
    }

    public async Task<StarBoardRows> Rows(int groupSkip, int groupTake, int memberSkip, int memberTake)
    {
        if (IsVillage)
        {
            var now = clock.GetUtcNow();
            var rows = S.Entries.Values.Select(e => e.Row(now)).ToArray();
            return new StarBoardRows(
                rows.Where(r => r.Kind == StarSubjectKind.Group).OrderBy(r => r.Grid, StringComparer.Ordinal).Skip(groupSkip).Take(groupTake).ToArray(),
                rows.Where(r => r.Kind == StarSubjectKind.Member).OrderByDescending(r => r.Score).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal)
                    .Skip(memberSkip).Take(memberTake).ToArray());
        }
        // Only the children the slice falls in are asked, found from their lines' counts; a county page of 500
        // members touches a handful of villages, not the county.
        var calls = new List<Task<StarBoardRows>>();
        foreach (var (code, summary) in S.Children.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var (gSkip, gTake) = Overlap(ref groupSkip, ref groupTake, summary.Line.GroupsPublished);
            var (mSkip, mTake) = Overlap(ref memberSkip, ref memberTake, summary.Line.MembersPublished);
            if (gTake > 0 || mTake > 0)
            {
                calls.Add(GrainFactory.GetGrain<IStarBoardGrain>(StarKeys.Board(code, Key.Year)).Rows(gSkip, gTake, mSkip, mTake));
            }
        }
        var parts = await Task.WhenAll(calls);
        return new StarBoardRows(parts.SelectMany(p => p.Groups).ToArray(), parts.SelectMany(p => p.Members).ToArray());
    }

    public Task WakeUp()
    {
        S.WakeUpAt = null;
        SchedulePush();
        return Task.CompletedTask;
    }

    /// <summary>The part of [skip, skip+take) that falls in a child holding <paramref name="count"/> rows; moves the window past it.</summary>
    private static (int Skip, int Take) Overlap(ref int skip, ref int take, int count)
    {
        if (take <= 0)
        {
            return (0, 0);
        }
        if (skip >= count)
        {
            skip -= count;
            return (0, 0);
        }
        var here = (Skip: skip, Take: Math.Min(take, count - skip));
        skip = 0;
        take -= here.Take;
        return here;
    }

    private StarBoardUnit Line()
    {
        if (IsVillage)
        {
            return LineOf(Key.Unit.Value, S.Entries.Values.ToArray(), clock.GetUtcNow());
        }
        var lines = S.Children.Values.Select(c => c.Line).ToArray();
        return new StarBoardUnit(Key.Unit.Value,
            Enumerable.Range(0, 5).Select(i => lines.Sum(l => l.GroupDistribution[i])).ToArray(),
            Enumerable.Range(0, 5).Select(i => lines.Sum(l => l.MemberDistribution[i])).ToArray(),
            lines.Sum(l => l.GroupsPublished),
            lines.Sum(l => l.MembersPublished),
            lines.Sum(l => l.OpenObjections));
    }

    private static StarBoardUnit LineOf(string unit, IReadOnlyList<StarBoardEntry> entries, DateTimeOffset now)
    {
        int[] Distribution(StarSubjectKind kind) =>
            Enumerable.Range(1, 5).Select(stars => entries.Count(e => e.Kind == kind && e.Stars == stars)).ToArray();
        // Objections still open: those of a rating that is not final (a final rating has none by definition).
        return new StarBoardUnit(unit, Distribution(StarSubjectKind.Group), Distribution(StarSubjectKind.Member),
            entries.Count(e => e.Kind == StarSubjectKind.Group), entries.Count(e => e.Kind == StarSubjectKind.Member),
            entries.Where(e => e.StatusAt(now) == RatingStatus.Provisional).Sum(e => e.OpenObjections));
    }

    private WakeUpTarget WakeUpTarget => new(WakeUpKind.StarBoard, this.GetPrimaryKeyString());

    private async Task Changed()
    {
        S.Sequence++;
        if (Key.Unit.Parent is not null)
        {
            // Should this activation be lost before the send, a wake-up within minutes sends the line.
            S.WakeUpAt = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, S.WakeUpAt, TimeSpan.FromMinutes(5));
        }
        await state.WriteStateAsync();
        SchedulePush();
    }

    private void SchedulePush()
    {
        if (_push is not null || Key.Unit.Parent is null || _confirmed >= S.Sequence)
        {
            return;
        }
        // A one-shot timer: its own turn after the current call, so changes arriving meanwhile go up as one line.
        _push = this.RegisterGrainTimer(Push, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task Push(CancellationToken cancellationToken)
    {
        _push?.Dispose();
        _push = null;
        var sequence = S.Sequence;
        var parent = Key.Unit.Parent!.Value.Value;
        try
        {
            await GrainFactory.GetGrain<IStarBoardGrain>(StarKeys.Board(parent, Key.Year)).ApplySummary(Key.Unit.Value, new StarBoardSummary(sequence, Line()));
        }
        catch (Exception e)
        {
            LogPushFailed(logger, e, this.GetPrimaryKeyString());
            S.WakeUpAt = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, S.WakeUpAt, TimeSpan.FromMinutes(1));
            return;
        }
        // Not written now: if this activation is lost, the line is sent again and the parent ignores it.
        _confirmed = Math.Max(_confirmed, sequence);
        SchedulePush();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The star board {Board} could not send its line to its parent; retrying later")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string board);
}
