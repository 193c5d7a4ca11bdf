using GridActors.Grains.Infrastructure;
using GridActors.Grains.Units;
using Microsoft.Extensions.Logging;

namespace GridActors.Grains.Leadership;

internal sealed partial class VillageLeadershipGrain(
    [PersistentState("village-leadership", StorageNames.Grains)] IPersistentState<VillageLeadershipState> state,
    ILogger<VillageLeadershipGrain> logger) : Grain, IVillageLeadershipGrain
{
    private UnitCode Village => UnitCode.Parse(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Unbooked.Count == 0)
        {
            return;
        }
        try
        {
            await SendUnbooked();
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The terms themselves are safe; the outbox is tried again with the next call.
            LogBookingFailed(logger, e, Village.Value);
        }
    }

    public async Task<bool> PutTerm(VillageTerm term)
    {
        var previous = state.State.Terms.GetValueOrDefault(term.Year);
        state.State.Terms[term.Year] = term;
        await Write(term.Year, () =>
        {
            if (previous is null)
            {
                state.State.Terms.Remove(term.Year);
            }
            else
            {
                state.State.Terms[term.Year] = previous;
            }
        });
        return previous is null;
    }

    public Task<VillageTerm?> GetTerm(int year) => Task.FromResult(state.State.Terms.GetValueOrDefault(year));

    public Task<IReadOnlyList<VillageTerm>> ListTerms() => Task.FromResult<IReadOnlyList<VillageTerm>>(state.State.Terms.Values.ToArray());

    public async Task<bool> DeleteTerm(int year)
    {
        if (!state.State.Terms.Remove(year, out var removed))
        {
            return false;
        }
        await Write(year, () => state.State.Terms[year] = removed);
        return true;
    }

    /// <summary>
    /// Stores the change with the year in the outbox, then books it. If the write fails, memory is put back
    /// and nothing was changed; if the booking fails, the change is stored and the outbox keeps the year.
    /// </summary>
    private async Task Write(int year, Action undo)
    {
        var added = state.State.Unbooked.Add(year);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            if (added)
            {
                state.State.Unbooked.Remove(year);
            }
            throw;
        }
        // The emptied outbox is stored with the next change; a reactivation before then sends the same
        // summaries again, which the book takes as a replacement (idempotent).
        await SendUnbooked();
    }

    private async Task SendUnbooked()
    {
        var county = LeadershipGrainFactoryExtensions.CountyOf(Village);
        foreach (var year in state.State.Unbooked.ToArray())
        {
            var book = GrainFactory.GetLeadershipBook(county, year);
            if (state.State.Terms.TryGetValue(year, out var term))
            {
                await book.Record(Village.Value, VillageTermSummary.Of(term));
            }
            else
            {
                await book.Remove(Village.Value);
            }
            state.State.Unbooked.Remove(year);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Village {Village}: terms not yet in the county's book; retried with the next call")]
    private static partial void LogBookingFailed(ILogger logger, Exception exception, string village);
}
