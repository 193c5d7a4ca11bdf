using GridActors.Grains.Access;
using GridActors.Grains.Commitments;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyNetwork;
using GridActors.Grains.Scheduling;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Stars;

/// <summary>
/// 星级评定结果: the published rating of one group or member for one year (same key as its commitments). Provisional
/// during the county's notice period (公示), when objections (异议) are filed and answered; then final.
/// Final is worked out from the clock on the next call after the notice ends (and written then, with the moment it
/// became final: the notice end, or the last answer if an objection was still open), so no wake-up is needed and a
/// year's jump of the clock costs nothing. Every change is sent to the village's star board (which works out final
/// from the clock the same way), kept pending in the state until the board has it.
/// </summary>
[Alias("GridActors.IStarRatingGrain")]
public interface IStarRatingGrain : IWakeUpTarget, IGrainWithStringKey
{
    /// <summary>Null when not published.</summary>
    [Alias("Get")]
    Task<RatingView?> Get();

    /// <summary>Computes the rating now and publishes it as provisional for the rubric's notice period.</summary>
    [Alias("Publish")]
    Task<PartyResult<RatingView>> Publish(string? by, Actor? actor = null);

    [Alias("Object")]
    Task<PartyResult<RatingView>> Object(StarObjection objection);

    /// <summary>Answers an objection; when upheld, the rating is computed again from today's data and the change recorded.</summary>
    [Alias("Answer")]
    Task<PartyResult<RatingView>> Answer(Guid objectionId, string answer, bool upheld, string? by, Actor? actor = null);
}

[GenerateSerializer, Alias("GridActors.StarRatingState")]
public sealed class StarRatingState
{
    [Id(0)] public StarComputation? Computation { get; set; }
    [Id(1)] public RatingStatus Status { get; set; }
    [Id(2)] public DateTimeOffset? PublishedAt { get; set; }
    [Id(3)] public DateTimeOffset? NoticeEndsAt { get; set; }
    [Id(4)] public DateTimeOffset? FinalisedAt { get; set; }
    [Id(5)] public List<StarObjection> Objections { get; set; } = [];
    [Id(6)] public List<RatingEvent> History { get; set; } = [];
    [Id(7)] public List<StarComputation> Earlier { get; set; } = [];
    /// <summary>A change the village's star board has not confirmed yet.</summary>
    [Id(8)] public bool BoardPending { get; set; }
    [Id(9)] public DateTimeOffset? WakeUpAt { get; set; }
}

internal sealed partial class StarRatingGrain(
    [PersistentState("star-rating", StorageNames.Grains)] IPersistentState<StarRatingState> state,
    GridClock clock,
    ILogger<StarRatingGrain> logger) : Grain, IStarRatingGrain
{
    private StarRatingState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await SendToBoard();

    public async Task WakeUp()
    {
        S.WakeUpAt = null;
        await SendToBoard();
    }

    public async Task<RatingView?> Get()
    {
        if (S.Computation is null)
        {
            return null;
        }
        await FinaliseIfDue();
        return View();
    }

    public async Task<PartyResult<RatingView>> Publish(string? by, Actor? actor = null)
    {
        if (S.Computation is not null)
        {
            await FinaliseIfDue();
            return PartyResult.Conflict<RatingView>($"the rating is already published (status {S.Status})");
        }
        var (kind, id, year) = CommitmentKeys.Parse(this.GetPrimaryKeyString());
        var computed = await GrainFactory.GetGrain<IStarRaterGrain>(0).Compute(kind, id, year);
        if (computed is null)
        {
            return PartyResult.NotFound<RatingView>(kind == StarSubjectKind.Group ? $"No Party group is set up in grid {id}." : $"No member {id} exists.");
        }
        // The rubric that rated this is now fixed for the county's year (StarRubricGrain).
        await GrainFactory.GetGrain<IStarRubricGrain>(StarKeys.Rubric(computed.Grid[..6], year)).MarkInUse();
        var now = clock.GetUtcNow();
        S.Computation = computed;
        S.Status = RatingStatus.Provisional;
        S.PublishedAt = now;
        S.NoticeEndsAt = now.AddDays(computed.NoticeDays);
        S.History.Add(new RatingEvent(now, $"published as provisional (公示) with {computed.Score.Stars} stars, score {computed.Score.Score}; notice until {S.NoticeEndsAt:u}", by, actor));
        await Changed();
        return PartyResult.Ok(View(), true);
    }

    public async Task<PartyResult<RatingView>> Object(StarObjection objection)
    {
        if (S.Computation is null)
        {
            return PartyResult.NotFound<RatingView>("The rating is not published.");
        }
        if (S.Objections.FirstOrDefault(o => o.Id == objection.Id) is { } filed)
        {
            // A retry with the same Idempotency-Key: the same objection again, or another one under a used key. The
            // actor is compared too: the id comes from the caller-scoped key, so it matches unless the record was made
            // by someone else, and then it is not this caller's to answer as its own.
            return filed.By == objection.By && filed.Actor == objection.Actor && filed.Text == objection.Text ? PartyResult.Ok(View()) : PartyResult.Mismatch<RatingView>();
        }
        await FinaliseIfDue();
        var now = clock.GetUtcNow();
        if (S.Status == RatingStatus.Final || now >= S.NoticeEndsAt)
        {
            return PartyResult.Conflict<RatingView>($"the notice period (公示) ended at {S.NoticeEndsAt:u} (status {S.Status}): objections are no longer taken");
        }
        S.Objections.Add(objection with { FiledAt = now });
        S.History.Add(new RatingEvent(now, "objection (异议) filed", objection.By, objection.Actor));
        await Changed();
        return PartyResult.Ok(View(), true);
    }

    public async Task<PartyResult<RatingView>> Answer(Guid objectionId, string answer, bool upheld, string? by, Actor? actor = null)
    {
        var index = S.Objections.FindIndex(o => o.Id == objectionId);
        if (S.Computation is null || index < 0)
        {
            return PartyResult.NotFound<RatingView>($"No objection {objectionId} was filed against this rating.");
        }
        if (S.Objections[index].AnsweredAt is not null)
        {
            return PartyResult.Conflict<RatingView>($"objection {objectionId} is already answered");
        }
        var now = clock.GetUtcNow();
        S.Objections[index] = S.Objections[index] with { Answer = answer, Upheld = upheld, AnsweredBy = by, AnsweredAt = now, AnsweredActor = actor };
        S.History.Add(new RatingEvent(now, upheld ? "objection upheld" : "objection answered, not upheld", by, actor));
        if (upheld)
        {
            var (kind, id, year) = CommitmentKeys.Parse(this.GetPrimaryKeyString());
            if (await GrainFactory.GetGrain<IStarRaterGrain>(0).Compute(kind, id, year) is { } again)
            {
                var before = S.Computation;
                S.Earlier.Add(before);
                S.Computation = again with { NoticeDays = before.NoticeDays };
                S.History.Add(new RatingEvent(now, $"computed again after the objection: {before.Score.Stars} → {again.Score.Stars} stars, score {before.Score.Score} → {again.Score.Score}", by, actor));
            }
        }
        await FinaliseIfDue(write: false);
        await Changed();
        return PartyResult.Ok(View());
    }

    /// <summary>Final once the notice is over and no objection is open; becomes final at the later of the two.</summary>
    private async Task FinaliseIfDue(bool write = true)
    {
        var now = clock.GetUtcNow();
        if (S.Status != RatingStatus.Provisional || now < S.NoticeEndsAt || S.Objections.Any(o => o.AnsweredAt is null))
        {
            return;
        }
        var lastAnswer = S.Objections.Select(o => o.AnsweredAt!.Value).DefaultIfEmpty(S.NoticeEndsAt!.Value).Max();
        S.FinalisedAt = lastAnswer > S.NoticeEndsAt ? lastAnswer : S.NoticeEndsAt;
        S.Status = RatingStatus.Final;
        S.History.Add(new RatingEvent(S.FinalisedAt!.Value, $"final (已确定) with {S.Computation!.Score.Stars} stars", null));
        if (write)
        {
            await state.WriteStateAsync();
        }
    }

    private WakeUpTarget WakeUpTarget => new(WakeUpKind.StarRating, this.GetPrimaryKeyString());

    /// <summary>Writes a change with the duty to tell the board, then tells it; a wake-up re-sends if this activation is lost first.</summary>
    private async Task Changed()
    {
        S.BoardPending = true;
        S.WakeUpAt = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, S.WakeUpAt, TimeSpan.FromMinutes(5));
        await state.WriteStateAsync();
        await SendToBoard();
    }

    private async Task SendToBoard()
    {
        if (!S.BoardPending || S.Computation is not { } c)
        {
            return;
        }
        var entry = new StarBoardEntry(c.Kind, c.Id, c.Name, c.Grid, c.Score.Stars, c.Score.Score, S.NoticeEndsAt!.Value,
            S.Objections.Count(o => o.AnsweredAt is null), S.FinalisedAt, S.History.Count);
        try
        {
            await GrainFactory.GetGrain<IStarBoardGrain>(StarKeys.Board(c.Grid[..12], c.Year)).Upsert(entry);
        }
        catch (Exception e)
        {
            // The change is written: the caller's answer stands, and a wake-up sends it again.
            LogBoardFailed(logger, e, this.GetPrimaryKeyString());
            S.WakeUpAt = await WakeUps.Ensure(GrainFactory, clock, WakeUpTarget, S.WakeUpAt, TimeSpan.FromMinutes(1));
            return;
        }
        // Not written now: after a reactivation it is sent again and the board ignores a version it has.
        S.BoardPending = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rating {Rating} could not reach its village's star board; retrying later")]
    private static partial void LogBoardFailed(ILogger logger, Exception exception, string rating);

    private RatingView View() => new(S.Status, S.Computation!, S.PublishedAt, S.NoticeEndsAt, S.FinalisedAt, [.. S.Objections], [.. S.History]);
}
