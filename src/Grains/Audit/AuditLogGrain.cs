using Orleans.Concurrency;

namespace GridActors.Grains.Audit;

/// <summary>
/// Hands appends and reads to the silo's <see cref="IAuditLogStore"/>, which commits the appends of all callers queued at
/// that moment in one transaction. It keeps nothing, so its calls interleave and one activation per core is plenty.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class AuditLogGrain(IAuditLogStore store) : Grain, IAuditLogGrain
{
    public Task Append(IReadOnlyList<AuditRead> reads) => reads.Count == 0 ? Task.CompletedTask : store.Append(reads);

    public Task<AuditPage> Read(AuditQuery query) => store.Read(query);
}
