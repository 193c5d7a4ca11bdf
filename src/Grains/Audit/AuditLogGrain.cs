using GridActors.Grains.Infrastructure;

namespace GridActors.Grains.Audit;

/// <summary>One read of personal data: who (key and app), when, what, and the unit it belongs to.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditEntry")]
public sealed record AuditEntry(DateTimeOffset At, string KeyId, string App, string What, string Unit);

/// <summary>
/// The audit log of personal-data reads (个人信息查阅记录) of one county on one day (China time), keyed
/// <c>{county}-{yyyyMMdd}</c>, so no single grain takes the reads of a whole province.
/// </summary>
[Alias("GridActors.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task Append(AuditEntry entry);

    [Alias("List")]
    Task<IReadOnlyList<AuditEntry>> List();

    /// <summary>Up to <paramref name="limit"/> entries from the <paramref name="offset"/>-th, in the order they were written, and how many there are.</summary>
    [Alias("Page")]
    Task<AuditPage> Page(int offset, int limit);
}

/// <summary>A page of a day's audit log; entries are only appended, so an offset names the same entry on every read.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.AuditPage")]
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);

[GenerateSerializer, Alias("GridActors.AuditLogState")]
public sealed class AuditLogState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}

internal sealed class AuditLogGrain(
    [PersistentState("audit-log", StorageNames.Grains)] IPersistentState<AuditLogState> state) : Grain, IAuditLogGrain
{
    public async Task Append(AuditEntry entry)
    {
        state.State.Entries.Add(entry);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<AuditEntry>> List() => Task.FromResult<IReadOnlyList<AuditEntry>>(state.State.Entries.ToArray());

    public Task<AuditPage> Page(int offset, int limit) =>
        Task.FromResult(new AuditPage(state.State.Entries.Skip(offset).Take(limit).ToArray(), state.State.Entries.Count));
}
