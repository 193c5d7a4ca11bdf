using GridActors.Grains.Infrastructure;
using GridActors.Grains.PartyNetwork;

namespace GridActors.Grains.Stars;

/// <summary>
/// 星级评定标准: a county's rubric for a year (key <c>{county}-{year}</c>); the default until the county sets one.
/// Fixed once the first rating of the year is published (公示), so every group and member of a county-year is rated
/// by the same standard.
/// </summary>
[Alias("GridActors.IStarRubricGrain")]
public interface IStarRubricGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<StarRubric> Get();

    /// <summary>Conflict once a rating of the year has been published with the rubric in force.</summary>
    [Alias("Set")]
    Task<PartyResult<StarRubric>> Set(StarRubric rubric);

    /// <summary>A rating of the year is being published with this rubric: from now on it cannot change.</summary>
    [Alias("MarkInUse")]
    Task MarkInUse();
}

[GenerateSerializer, Alias("GridActors.StarRubricState")]
public sealed class StarRubricState
{
    [Id(0)] public StarRubric? Rubric { get; set; }
    /// <summary>When the first rating of the year was published with this rubric.</summary>
    [Id(1)] public DateTimeOffset? InUseSince { get; set; }
}

internal sealed class StarRubricGrain(
    [PersistentState("star-rubric", StorageNames.Grains)] IPersistentState<StarRubricState> state,
    GridClock clock) : Grain, IStarRubricGrain
{
    public Task<StarRubric> Get()
    {
        var (county, year) = StarKeys.Parse(this.GetPrimaryKeyString());
        return Task.FromResult(state.State.Rubric ?? StarRubric.Default(county, year));
    }

    public async Task<PartyResult<StarRubric>> Set(StarRubric rubric)
    {
        if (state.State.InUseSince is { } since)
        {
            return PartyResult.Conflict<StarRubric>(
                $"ratings of {rubric.Year} have been published (公示) with the rubric in force since {since:u}; it can no longer change, so that every group and member of the year is rated by the same standard");
        }
        state.State.Rubric = rubric with { IsDefault = false, SetAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
        return PartyResult.Ok(state.State.Rubric);
    }

    public async Task MarkInUse()
    {
        if (state.State.InUseSince is not null)
        {
            return;
        }
        state.State.InUseSince = clock.GetUtcNow();
        await state.WriteStateAsync();
    }
}
