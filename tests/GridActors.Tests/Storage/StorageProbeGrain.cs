using GridActors.Grains.Infrastructure;

namespace GridActors.Tests.Storage;

/// <summary>A tiny grain that exercises the storage profile: persisted state and a durable reminder.</summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task<string?> GetValue();

    Task<string?> GetETag();

    Task SetValue(string value);

    Task Clear();

    Task<GrainId> GetId();

    Task RegisterReminder(string name, TimeSpan dueTime, TimeSpan period);

    Task<bool> HasReminder(string name);
}

/// <summary>The probe's state; public get/set properties because the storage payload is System.Text.Json.</summary>
[GenerateSerializer]
public sealed class StorageProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public int Writes { get; set; }
}

/// <summary>Uses its own state name, as every grain type must (rows are keyed by state name, not grain type).</summary>
public sealed class StorageProbeGrain(
    [PersistentState(StorageProbeGrain.StateName, StorageNames.Grains)] IPersistentState<StorageProbeState> state)
    : Grain, IStorageProbeGrain, IRemindable
{
    public const string StateName = "storage-probe";

    public Task<string?> GetValue() => Task.FromResult(state.State.Value);

    public Task<string?> GetETag() => Task.FromResult(state.Etag);

    public async Task SetValue(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task Clear() => state.ClearStateAsync();

    public Task<GrainId> GetId() => Task.FromResult(this.GetGrainId());

    public Task RegisterReminder(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> HasReminder(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
