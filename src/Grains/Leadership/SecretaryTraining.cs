using GridActors.Grains.Access;
using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Leadership;

/// <summary>A secretary who attended, named as the county's books named them on the day it was recorded.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TrainingAttendee")]
public sealed record TrainingAttendee(string Village, string Name, DateOnly BirthDate);

/// <summary>A training session for village secretaries (村书记培训班).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.TrainingSession")]
public sealed record TrainingSession(
    string Id,
    string Title,
    DateOnly HeldOn,
    IReadOnlyList<TrainingAttendee> Attendees,
    DateTimeOffset UpdatedAt,
    Actor? Actor = null);

/// <summary>
/// A county's training sessions for village secretaries in one year (1 to 2 a year), keyed <c>county-year</c>.
/// Who has had no training is worked out against the secretaries in office (<see cref="LeadershipQueries"/>).
/// </summary>
[Alias("GridActors.ISecretaryTrainingGrain")]
public interface ISecretaryTrainingGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces a session; true when it is new.</summary>
    [Alias("Put")]
    Task<bool> Put(TrainingSession session);

    /// <summary>The sessions of the year, by date.</summary>
    [Alias("List")]
    Task<IReadOnlyList<TrainingSession>> List();
}

[GenerateSerializer, Alias("GridActors.SecretaryTrainingState")]
public sealed class SecretaryTrainingState
{
    [Id(0)] public Dictionary<string, TrainingSession> Sessions { get; set; } = [];
}

internal sealed class SecretaryTrainingGrain(
    [PersistentState("secretary-training", StorageNames.Grains)] IPersistentState<SecretaryTrainingState> state)
    : Grain, ISecretaryTrainingGrain
{
    public async Task<bool> Put(TrainingSession session)
    {
        var previous = state.State.Sessions.GetValueOrDefault(session.Id);
        state.State.Sessions[session.Id] = session;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (previous is null)
            {
                state.State.Sessions.Remove(session.Id);
            }
            else
            {
                state.State.Sessions[session.Id] = previous;
            }
            throw;
        }
        return previous is null;
    }

    public Task<IReadOnlyList<TrainingSession>> List() =>
        Task.FromResult<IReadOnlyList<TrainingSession>>(state.State.Sessions.Values.OrderBy(s => s.HeldOn).ThenBy(s => s.Id, StringComparer.Ordinal).ToArray());
}
