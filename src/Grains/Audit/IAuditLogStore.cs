namespace GridActors.Grains.Audit;

/// <summary>
/// Where the audit log is kept: rows of a table of the project's own database (SQLite or PostgreSQL), one per entry,
/// implemented by the silo's storage (src/Silo/Storage/AuditLogStore.cs). An append inserts rows and touches nothing
/// already stored, so it costs the same however long the day's log has grown.
/// </summary>
public interface IAuditLogStore
{
    /// <summary>Stores the reads, in this order; completes once they are committed.</summary>
    Task Append(IReadOnlyList<AuditRead> reads);

    Task<AuditPage> Read(AuditQuery query);
}
