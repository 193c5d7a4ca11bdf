using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Leadership;

internal sealed class LeadershipBookGrain(
    [PersistentState("leadership-book", StorageNames.Grains)] IPersistentState<LeadershipBookState> state)
    : Grain, ILeadershipBookGrain
{
    private (Units.CountyCode County, int Year) Key => CountyYear.Parse(this.GetPrimaryKeyString());

    public async Task Record(string village, VillageTermSummary summary)
    {
        if (!state.State.Indexed)
        {
            // The county's list of terms learns of this year before anything is booked under it, so a
            // report looking for the previous term never misses a book that holds villages.
            var (county, year) = Key;
            await GrainFactory.GetLeadershipTerms(county).Add(year);
            state.State.Indexed = true;
        }
        var summaries = state.State.Villages;
        var filings = state.State.Filings;
        var previousSummary = summaries.GetValueOrDefault(village);
        var previousFiling = filings.GetValueOrDefault(village);
        summaries[village] = summary;
        if (previousFiling is not null && !summary.Secretary.IsSamePerson(previousFiling.SecretaryName, previousFiling.SecretaryBirthDate))
        {
            filings.Remove(village);
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Restore(summaries, village, previousSummary);
            Restore(filings, village, previousFiling);
            throw;
        }
    }

    public async Task Remove(string village)
    {
        var summaries = state.State.Villages;
        var filings = state.State.Filings;
        if (!summaries.Remove(village, out var summary))
        {
            return;
        }
        filings.Remove(village, out var filing);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Restore(summaries, village, summary);
            Restore(filings, village, filing);
            throw;
        }
    }

    public Task<LeadershipTotals> Totals(string unit) => Task.FromResult(LeadershipTotals.Sum(Under(unit).Select(v => v.Value)));

    public Task<IReadOnlyList<SecretaryRecord>> Secretaries(string unit) =>
        Task.FromResult<IReadOnlyList<SecretaryRecord>>(Under(unit).Select(v => RecordOf(v.Key, v.Value)).ToArray());

    public async Task<SecretaryRecord?> File(string village, FilingDecision decision)
    {
        if (!state.State.Villages.TryGetValue(village, out var summary))
        {
            return null;
        }
        var previous = state.State.Filings.GetValueOrDefault(village);
        state.State.Filings[village] = new SecretaryFiling(
            summary.Secretary.Name, summary.Secretary.BirthDate, decision.Status, decision.FiledOn, decision.Note, decision.RecordedAt, decision.Actor);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Restore(state.State.Filings, village, previous);
            throw;
        }
        return RecordOf(village, summary);
    }

    private IEnumerable<KeyValuePair<string, VillageTermSummary>> Under(string unit) =>
        state.State.Villages.Where(v => v.Key.StartsWith(unit, StringComparison.Ordinal));

    private SecretaryRecord RecordOf(string village, VillageTermSummary summary) =>
        new(village, Key.Year, summary.ElectedOn, summary.Secretary, state.State.Filings.GetValueOrDefault(village));

    private static void Restore<T>(IDictionary<string, T> map, string key, T? value) where T : class
    {
        if (value is null)
        {
            map.Remove(key);
        }
        else
        {
            map[key] = value;
        }
    }
}
