using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Stars;

/// <summary>星级评定标准: a county's rubric for a year (key <c>{county}-{year}</c>); the default until the county sets one.</summary>
[Alias("GridActors.IStarRubricGrain")]
public interface IStarRubricGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<StarRubric> Get();

    [Alias("Set")]
    Task<StarRubric> Set(StarRubric rubric);
}

[GenerateSerializer, Alias("GridActors.StarRubricState")]
public sealed class StarRubricState
{
    [Id(0)] public StarRubric? Rubric { get; set; }
}

internal sealed class StarRubricGrain(
    [PersistentState("star-rubric", StorageNames.Grains)] IPersistentState<StarRubricState> state,
    GridClock clock) : Grain, IStarRubricGrain
{
    public Task<StarRubric> Get()
    {
        var key = this.GetPrimaryKeyString();
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        return Task.FromResult(state.State.Rubric ?? StarRubric.Default(key[..dash], int.Parse(key[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    public async Task<StarRubric> Set(StarRubric rubric)
    {
        state.State.Rubric = rubric with { IsDefault = false, SetAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
        return state.State.Rubric;
    }
}
