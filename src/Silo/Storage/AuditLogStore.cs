using System.Collections.Concurrent;
using System.Data.Common;
using GridActors.Grains.Audit;
using Orleans.Configuration;

namespace GridActors.Silo.Storage;

/// <summary>
/// The audit log of personal-data reads (个人信息查阅记录) as rows of table <c>audit_log</c> (docs/storage.md, "The audit
/// log"). An append only inserts rows, so it costs the same on an empty day and on a day of 12,000 entries; a grain whose
/// state was the day's list rewrote all of it on every append (50-65 ms an append at 12,000 entries, and every unmasked
/// read of the county waited in line for that one grain).
/// </summary>
/// <remarks>
/// Appends from every caller of this silo go into one queue; a loop on a thread of its own takes whatever queued while
/// its previous batch ran and inserts it in one transaction (one commit), as <see cref="GroupCommitGrainStorage"/> does
/// for grain state. An append completes once its transaction committed, so a read of personal data is answered only
/// after its entry is stored. A batch that fails for one bad append is split, so one cannot fail another; one that fails
/// because the database cannot be reached fails each of its appends. Reads open a pooled connection of their own.
/// </remarks>
internal sealed partial class AuditLogStore : IAuditLogStore, IAsyncDisposable
{
    /// <summary>Rows per transaction at most, so one commit never waits for a huge batch (an append is never split).</summary>
    internal const int MaxBatch = 500;

    private readonly DbDataSource _dataSource;
    private readonly AuditLogSql _sql;
    private readonly string _serviceId;
    private readonly ILogger _logger;
    private readonly BlockingCollection<Pending> _appends = [];
    private readonly Task _loop;

    public AuditLogStore(DbDataSource dataSource, AuditLogSql sql, ClusterOptions cluster, ILogger<AuditLogStore> logger)
    {
        _dataSource = dataSource;
        _sql = sql;
        _serviceId = cluster.ServiceId;
        _logger = logger;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A thread of its own, talking to the database synchronously: on the thread pool, the step after each statement
        // waits behind the requests queued there (see GroupCommitGrainStorage.RunOnOwnThread).
        var thread = new Thread(() =>
        {
            try
            {
                Drain();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "audit log appends",
        };
        thread.Start();
        _loop = done.Task;
    }

    public Task Append(IReadOnlyList<AuditRead> reads)
    {
        var pending = new Pending(reads);
        try
        {
            _appends.Add(pending);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(AuditLogStore), "The audit log is shut down.");
        }
        return pending.Done.Task;
    }

    public async Task<AuditPage> Read(AuditQuery query)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        return await _sql.Read(connection, _serviceId, query).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _appends.CompleteAdding();
        await _loop.ConfigureAwait(false);
        _appends.Dispose();
    }

    private void Drain()
    {
        // Kept between batches and used by this thread alone; a batch that fails closes it, so the next starts afresh.
        DbConnection? connection = null;
        var batch = new List<Pending>();
        try
        {
            while (_appends.TryTake(out var first, Timeout.Infinite))
            {
                batch.Add(first);
                var rows = first.Reads.Count;
                while (rows < MaxBatch && _appends.TryTake(out var next))
                {
                    batch.Add(next);
                    rows += next.Reads.Count;
                }
                try
                {
                    Insert(ref connection, batch);
                }
                catch (Exception e) when (batch.Count > 1 && !IsUnreachable(e))
                {
                    LogBatchSplit(_logger, e, batch.Count);
                    foreach (var pending in batch)
                    {
                        try
                        {
                            Insert(ref connection, [pending]);
                        }
                        catch (Exception alone)
                        {
                            pending.Done.TrySetException(alone);
                        }
                    }
                }
                catch (Exception e)
                {
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetException(e);
                    }
                }
                batch.Clear();
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Inserts the batch in one transaction and completes its appends once it committed.</summary>
    private void Insert(ref DbConnection? connection, List<Pending> batch)
    {
        try
        {
            connection ??= _dataSource.OpenConnection();
            using (var transaction = connection.BeginTransaction())
            {
                _sql.Insert(connection, transaction, _serviceId, batch.Count == 1 ? batch[0].Reads : batch.SelectMany(p => p.Reads).ToList());
                transaction.Commit();
            }
        }
        catch
        {
            connection?.Dispose();
            connection = null;
            throw;
        }
        foreach (var pending in batch)
        {
            pending.Done.TrySetResult();
        }
    }

    // A database that cannot be reached fails every append the same way; splitting the batch would only wait longer.
    private static bool IsUnreachable(Exception e) =>
        e is TimeoutException or System.Net.Sockets.SocketException || e.InnerException is TimeoutException or System.Net.Sockets.SocketException
        || (e is DbException db && db.IsTransient);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log: a batch of {Count} appends failed; running them one by one")]
    private static partial void LogBatchSplit(ILogger logger, Exception exception, int count);

    private sealed class Pending(IReadOnlyList<AuditRead> reads)
    {
        public IReadOnlyList<AuditRead> Reads { get; } = reads;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
