using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Leadership;

/// <summary>Overall rating of a village's leadership team (村班子整体研判).</summary>
public enum AssessmentRating
{
    /// <summary>好.</summary>
    Good = 0,
    /// <summary>较好.</summary>
    FairlyGood = 1,
    /// <summary>一般.</summary>
    Average = 2,
    /// <summary>较差: a weak team that needs rectifying (软弱涣散).</summary>
    Weak = 3,
}

[GenerateSerializer, Immutable, Alias("GridActors.TeamAssessment")]
public sealed record TeamAssessment(AssessmentRating Rating, string? Notes, string? AssessedBy, DateTimeOffset UpdatedAt, Actor? Actor = null);

[GenerateSerializer, Immutable, Alias("GridActors.VillageAssessment")]
public sealed record VillageAssessment(string Village, TeamAssessment Assessment);

/// <summary>
/// The team assessments (班子整体研判) of a county's villages for one year, keyed <c>county-year</c>: one
/// grain per county and year, so the county sees every village's rating in one read.
/// </summary>
[Alias("GridActors.ITeamAssessmentsGrain")]
public interface ITeamAssessmentsGrain : IGrainWithStringKey
{
    /// <summary>Sets (replaces) a village's assessment; true when it is new.</summary>
    [Alias("Put")]
    Task<bool> Put(string village, TeamAssessment assessment);

    [Alias("Get")]
    Task<TeamAssessment?> Get(string village);

    /// <summary>The assessments of villages under <paramref name="unit"/>, by village code.</summary>
    [Alias("List")]
    Task<IReadOnlyList<VillageAssessment>> List(string unit);
}

[GenerateSerializer, Alias("GridActors.TeamAssessmentsState")]
public sealed class TeamAssessmentsState
{
    [Id(0)] public SortedDictionary<string, TeamAssessment> Villages { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class TeamAssessmentsGrain(
    [PersistentState("team-assessments", StorageNames.Grains)] IPersistentState<TeamAssessmentsState> state)
    : Grain, ITeamAssessmentsGrain
{
    public async Task<bool> Put(string village, TeamAssessment assessment)
    {
        var previous = state.State.Villages.GetValueOrDefault(village);
        state.State.Villages[village] = assessment;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (previous is null)
            {
                state.State.Villages.Remove(village);
            }
            else
            {
                state.State.Villages[village] = previous;
            }
            throw;
        }
        return previous is null;
    }

    public Task<TeamAssessment?> Get(string village) => Task.FromResult(state.State.Villages.GetValueOrDefault(village));

    public Task<IReadOnlyList<VillageAssessment>> List(string unit) =>
        Task.FromResult<IReadOnlyList<VillageAssessment>>(state.State.Villages
            .Where(v => v.Key.StartsWith(unit, StringComparison.Ordinal))
            .Select(v => new VillageAssessment(v.Key, v.Value))
            .ToArray());
}
