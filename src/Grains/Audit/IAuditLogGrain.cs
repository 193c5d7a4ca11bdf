namespace GridActors.Grains.Audit;

/// <summary>
/// The audit log of personal-data reads (个人信息查阅记录), per county and day (China time). A stateless worker: every silo
/// runs activations of its own, each calling the silo's <see cref="IAuditLogStore"/>, so the gateway (an Orleans client
/// in the cluster profile, with no database of its own) reaches the log through any silo, and a busy county's reads are
/// not funnelled through one grain. Get it with <c>GetAuditLog()</c>.
/// </summary>
[Alias("GridActors.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    /// <summary>Records the reads, in this order; completes once they are stored.</summary>
    [Alias("Append")]
    Task Append(IReadOnlyList<AuditRead> reads);

    [Alias("Read")]
    Task<AuditPage> Read(AuditQuery query);
}

public static class AuditLogGrainFactoryExtensions
{
    /// <summary>The audit log (a stateless worker: every key reaches the same log, so one key serves all).</summary>
    public static IAuditLogGrain GetAuditLog(this IGrainFactory grains) => grains.GetGrain<IAuditLogGrain>(0);
}
