using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Open311;

/// <summary>
/// The Open311 requests of one county reported on one day (China time), keyed <c>{county}-{yyyyMMdd}</c>.
/// A day is small (hundreds of requests in a busy county), so each write stays small and a 90-day search
/// reads at most 91 of them in parallel.
/// </summary>
[Alias("GridActors.IServiceRequestDayGrain")]
public interface IServiceRequestDayGrain : IGrainWithStringKey
{
    /// <summary>Records a request; idempotent. A second record only adds a media_url the first lacked.</summary>
    [Alias("Add")]
    Task Add(ServiceRequestEntry entry);

    /// <summary>Records several requests at once (one write); idempotent like <see cref="Add"/>.</summary>
    [Alias("AddMany")]
    Task AddMany(IReadOnlyList<ServiceRequestEntry> entries);

    [Alias("List")]
    Task<IReadOnlyList<ServiceRequestEntry>> List();

    [Alias("Get")]
    Task<ServiceRequestEntry?> Get(Guid issueId);
}

[GenerateSerializer, Alias("GridActors.ServiceRequestDayState")]
public sealed class ServiceRequestDayState
{
    [Id(0)] public Dictionary<Guid, ServiceRequestEntry> Entries { get; set; } = [];
}

internal sealed class ServiceRequestDayGrain(
    [PersistentState("open311-request-day", StorageNames.Grains)] IPersistentState<ServiceRequestDayState> state)
    : Grain, IServiceRequestDayGrain
{
    public Task Add(ServiceRequestEntry entry) => AddMany([entry]);

    public async Task AddMany(IReadOnlyList<ServiceRequestEntry> entries)
    {
        var changed = new List<(Guid Id, ServiceRequestEntry? Before)>();
        foreach (var entry in entries)
        {
            var known = state.State.Entries.GetValueOrDefault(entry.IssueId);
            if (known is null || (known.MediaUrl is null && entry.MediaUrl is not null))
            {
                changed.Add((entry.IssueId, known));
                state.State.Entries[entry.IssueId] = known is null ? entry : known with { MediaUrl = entry.MediaUrl };
            }
        }
        if (changed.Count == 0)
        {
            return;
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing the caller was not told about stays in memory: the next read matches storage.
            foreach (var (id, before) in changed)
            {
                if (before is null)
                {
                    state.State.Entries.Remove(id);
                }
                else
                {
                    state.State.Entries[id] = before;
                }
            }
            throw;
        }
    }

    public Task<IReadOnlyList<ServiceRequestEntry>> List() =>
        Task.FromResult<IReadOnlyList<ServiceRequestEntry>>(state.State.Entries.Values.ToArray());

    public Task<ServiceRequestEntry?> Get(Guid issueId) => Task.FromResult(state.State.Entries.GetValueOrDefault(issueId));
}
