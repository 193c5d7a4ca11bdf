using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Leadership;

/// <summary>
/// The terms (换届 years) for which a county holds a book, keyed by the county code. Read to find the
/// previous term of a report; written once per county and year.
/// </summary>
[Alias("GridActors.ILeadershipTermsGrain")]
public interface ILeadershipTermsGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(int year);

    /// <summary>The years held, oldest first.</summary>
    [Alias("Years")]
    Task<IReadOnlyList<int>> Years();
}

[GenerateSerializer, Alias("GridActors.LeadershipTermsState")]
public sealed class LeadershipTermsState
{
    [Id(0)] public SortedSet<int> Years { get; set; } = [];
}

internal sealed class LeadershipTermsGrain(
    [PersistentState("leadership-terms", StorageNames.Grains)] IPersistentState<LeadershipTermsState> state)
    : Grain, ILeadershipTermsGrain
{
    public async Task Add(int year)
    {
        if (!state.State.Years.Add(year))
        {
            return;
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Years.Remove(year);
            throw;
        }
    }

    public Task<IReadOnlyList<int>> Years() => Task.FromResult<IReadOnlyList<int>>(state.State.Years.ToArray());
}
