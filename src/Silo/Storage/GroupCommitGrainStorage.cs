using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using GridActors.Grains.Infrastructure;
using GridActors.Silo.Streams;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridActors.Silo.Storage;

/// <summary>
/// Grain storage that commits the writes of many grains in one database transaction (group commit) and reads the
/// states of many activating grains in one round trip.
/// </summary>
/// <remarks>
/// Why: a reported issue writes the issue, the grid's queue and the grid's statistics, each from its own grain. Written
/// one transaction each, every report cost about ten round trips and three commits (three fsyncs on PostgreSQL; three
/// turns of SQLite's single writer lock), and the database's commit rate, not the service, set the pace. Here every
/// operation goes into a queue; a loop (one for reads; one for writes on SQLite, two on PostgreSQL) takes whatever has
/// queued while its previous batch ran and executes it as one batch: writes in one transaction (one commit), reads in one
/// statement. A grain's rows written together (<see cref="IGrainStateRows"/>) commit together or not at all. Under load
/// a batch holds tens of operations, so the number of commits per second stops growing with the number of grains; when
/// idle a batch holds one operation and costs what a lone write costs. See docs/storage.md.
///
/// Guarantees are those of Orleans' own providers: a write completes only after its transaction committed; a write whose
/// ETag (the row's version) is stale changes nothing and fails with <see cref="InconsistentStateException"/> without
/// failing the other writes of its batch; a batch that fails as a whole (the database is down) fails each of its
/// operations; a batch that fails for one bad operation is split and its operations run one by one, so one cannot fail
/// another. A grain never has two operations in flight at once, so one batch never holds two writes of one row.
/// </remarks>
internal sealed partial class GroupCommitGrainStorage : IGrainStorage, IGrainStateRows, IAsyncDisposable
{
    /// <summary>Rows per batch at most (reads, or rows written): PostgreSQL takes 65,535 parameters per statement batch.</summary>
    internal const int MaxBatch = 500;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly DbDataSource _dataSource;
    private readonly GrainStateSql _sql;
    private readonly IGrainStorageSerializer _serializer;
    private readonly EventQueues _queues;
    private readonly Serializer _events;
    private readonly ILogger _logger;
    private readonly BlockingCollection<StateRead> _reads = [];
    private readonly BlockingCollection<WriteRequest> _writes = [];
    private readonly Task[] _loops;

    public GroupCommitGrainStorage(
        string name, DbDataSource dataSource, GrainStateSql sql, IGrainStorageSerializer serializer, EventQueues queues, Serializer events,
        ClusterOptions cluster, ILogger<GroupCommitGrainStorage> logger)
    {
        _queues = queues;
        _events = events;
        _name = name;
        _serviceId = cluster.ServiceId;
        _dataSource = dataSource;
        _sql = sql;
        _serializer = serializer;
        _logger = logger;
        _loops = Enumerable.Range(0, sql.WriteLoops)
            .Select(i => RunOnOwnThread($"{name} writes {i + 1}", new Link(dataSource), link => Drain(_writes, batch => link.Run(batch, ExecuteWrites))))
            .Prepend(RunOnOwnThread($"{name} reads", new Link(dataSource), link => Drain(_reads, batch => link.Run(batch, ExecuteReads))))
            .ToArray();
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var read = new StateRead(new StateKey(grainId.ToString(), stateName));
        Enqueue(_reads, read);
        var row = await read.Done.Task.ConfigureAwait(false);
        if (row is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = row.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : Activator.CreateInstance<T>();
        grainState.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = row.Payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = new RowWrite(stateName, grainState.ETag, _serializer.Serialize(grainState.State));
        var posts = grainState.State is IPostsToInboxes { Posts.Count: > 0 } sender ? sender.Posts : [];
        var appends = grainState.State is IAppendsEvents producer ? producer.Appends : [];
        var version = (await Write(grainId, [row], posts, appends).ConfigureAwait(false))[0];
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is null)
        {
            // Nothing was ever stored under this activation's knowledge: there is nothing to clear.
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
            return;
        }
        var version = await Write(stateName, grainId, grainState.ETag, payload: null).ConfigureAwait(false);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        _reads.CompleteAdding();
        _writes.CompleteAdding();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _reads.Dispose();
        _writes.Dispose();
    }

    private async Task<int> Write(string stateName, GrainId grainId, string? etag, BinaryData? payload)
    {
        var versions = await Write(grainId, [new RowWrite(stateName, etag, payload)], []).ConfigureAwait(false);
        return versions[0];
    }

    public async Task<IReadOnlyList<StoredRow>> ReadAll(GrainId grain, string prefix)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        var rows = await _sql.ReadAll(connection, _serviceId, grain.ToString(), prefix).ConfigureAwait(false);
        return rows.Select(r => new StoredRow(r.StateName, r.Row.Version.ToString(CultureInfo.InvariantCulture),
            r.Row.Payload is { } payload ? new BinaryData(payload) : null)).ToList();
    }

    public async Task<IReadOnlyList<(Guid Notice, BinaryData Payload)>> ReadInbox(GrainId receiver)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        var rows = await _sql.ReadInbox(connection, _serviceId, receiver.ToString()).ConfigureAwait(false);
        return rows.Select(r => (Guid.ParseExact(r.PostName.AsSpan(0, 32), "N"), new BinaryData(r.Payload))).ToList();
    }

    /// <summary>
    /// Where a notice waits: the inbox log, one row per notice and receiver, named by the notice's time-ordered id and
    /// then the receiver, so new notices are appended at the end of the log (written into each receiver's own rows, they
    /// dirtied a page per receiver in every commit: reports a second on SQLite 4,150-5,000 against 2,650-2,830).
    /// </summary>
    private static StateKey InboxKey(InboxPost post) => new(GrainStateSql.InboxGrain, GrainStateSql.InboxName(post.Notice, post.Receiver.ToString()));

    public BinaryData Serialize<T>(T value) => _serializer.Serialize(value);

    public T Deserialize<T>(BinaryData payload) => _serializer.Deserialize<T>(payload) ?? throw new InvalidOperationException($"Storage {_name}: a stored row reads as null.");

    Task<string[]> IGrainStateRows.Write(GrainId grain, IReadOnlyList<RowWrite> rows) => ((IGrainStateRows)this).Write(grain, rows, []);

    Task<string[]> IGrainStateRows.Write(GrainId grain, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts) =>
        ((IGrainStateRows)this).Write(grain, rows, posts, []);

    async Task<string[]> IGrainStateRows.Write(GrainId grain, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts, IReadOnlyList<StreamAppend> appends)
    {
        var versions = await Write(grain, rows, posts, appends).ConfigureAwait(false);
        return versions.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>
    /// Appends events to the durable stream in a transaction of their own (group-committed with whatever else is queued):
    /// the stream's <c>OnNextAsync</c>, for a producer that has no state to store with them.
    /// </summary>
    internal async Task Append(IReadOnlyList<StreamAppend> appends)
    {
        var request = new WriteRequest([], appends.Select(ToEvent).ToArray());
        Enqueue(_writes, request);
        await request.Done.Task.ConfigureAwait(false);
    }

    // The queue is the one the stream provider's receiver reads for this stream (the same hash ring, EventQueues); the
    // payload is in Orleans' format, with its type, so the receiver delivers the type that was appended.
    private EventAppend ToEvent(StreamAppend append) => new(
        _queues.QueueOf(append.Stream),
        append.Stream.GetNamespace() ?? "",
        append.Stream.GetKeyAsString(),
        _events.SerializeToArray(append.Event));

    /// <summary>
    /// The grain's rows, the posts to other grains' inboxes and the stream events it owes, in one request (all or
    /// nothing); answers the rows' versions.
    /// </summary>
    private async Task<int[]> Write(GrainId grainId, IReadOnlyList<RowWrite> rows, IReadOnlyList<InboxPost> posts, IReadOnlyList<StreamAppend>? appends = null)
    {
        var grain = grainId.ToString();
        var writes = new StateWrite[rows.Count + posts.Count];
        for (var i = 0; i < posts.Count; i++)
        {
            var post = posts[i];
            writes[rows.Count + i] = post.Payload is { } payload
                ? new StateWrite(InboxKey(post), null, Bytes(payload), WriteKind.Post)
                : new StateWrite(InboxKey(post), null, null, WriteKind.Delete);
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            int? expected = null;
            if (row.ETag is { } etag)
            {
                if (!int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    throw new InconsistentStateException($"Storage {_name}: ETag '{etag}' of {row.StateName} of {grainId} is not a version.", etag, "?");
                }
                expected = parsed;
            }
            writes[i] = new StateWrite(new StateKey(grain, row.StateName), expected, row.Payload is { } payload ? Bytes(payload) : null);
        }
        var request = new WriteRequest(writes, appends is { Count: > 0 } ? appends.Select(ToEvent).ToArray() : []);
        Enqueue(_writes, request);
        var versions = await request.Done.Task.ConfigureAwait(false);
        var result = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            result[i] = versions[i] ?? throw new InconsistentStateException(
                $"Storage {_name}: {rows[i].StateName} of {grainId} was changed by another activation (this one holds version {rows[i].ETag ?? "none"}).",
                "unknown", rows[i].ETag ?? "none");
        }
        return result;
    }

    // A serialized payload is an array of its own (BinaryData never changes): handed to the statement as it is, not copied.
    private static byte[] Bytes(BinaryData payload) =>
        MemoryMarshal.TryGetArray(payload.ToMemory(), out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    private void Enqueue<TOperation>(BlockingCollection<TOperation> queue, TOperation operation)
    {
        try
        {
            queue.Add(operation);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(GroupCommitGrainStorage), $"Storage {_name} is shut down.");
        }
    }

    /// <summary>
    /// Each loop has a thread of its own and talks to the database synchronously. On the thread pool, the loop's next
    /// step (sending COMMIT once the statements' results came back) waited behind the requests queued there: under load
    /// PostgreSQL sat "idle in transaction" waiting for the silo, and with one batch in flight the whole storage waited
    /// with it. A blocked thread of its own is woken by the socket, not by the pool.
    /// </summary>
    private static Task RunOnOwnThread(string name, Link link, Action<Link> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop(link);
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            finally
            {
                link.Dispose();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// A loop's connection, kept between batches and used by that loop's thread alone: taking one from the pool for each
    /// batch reset its session every time (DISCARD ALL on PostgreSQL) and spread the batches over many server processes.
    /// A batch that fails closes it, so the next batch starts on a fresh connection.
    /// </summary>
    private sealed class Link(DbDataSource dataSource) : IDisposable
    {
        private DbConnection? _connection;

        public void Run<TOperation>(List<TOperation> batch, Action<DbConnection, List<TOperation>> execute)
        {
            try
            {
                execute(_connection ??= dataSource.OpenConnection(), batch);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    // One batch at a time per loop: while it runs, the next one fills up.
    private void Drain<TOperation>(BlockingCollection<TOperation> queue, Action<List<TOperation>> execute)
        where TOperation : StateOperation
    {
        var batch = new List<TOperation>(MaxBatch);
        while (queue.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            var rows = first.Rows;
            while (rows < MaxBatch && queue.TryTake(out var operation))
            {
                batch.Add(operation);
                rows += operation.Rows;
            }
            try
            {
                execute(batch);
            }
            catch (Exception e) when (batch.Count > 1 && !IsUnreachable(e))
            {
                // One operation may have failed them all (a value the database refuses): run them one by one.
                LogBatchSplit(_logger, e, _name, batch.Count);
                foreach (var operation in batch)
                {
                    RunAlone(operation, execute);
                }
            }
            catch (Exception e)
            {
                foreach (var operation in batch)
                {
                    operation.Fail(e);
                }
            }
            batch.Clear();
        }
    }

    private static void RunAlone<TOperation>(TOperation operation, Action<List<TOperation>> execute)
        where TOperation : StateOperation
    {
        try
        {
            execute([operation]);
        }
        catch (Exception e)
        {
            operation.Fail(e);
        }
    }

    // A database that cannot be reached fails every operation the same way; splitting the batch would only wait longer.
    private static bool IsUnreachable(Exception e) =>
        e is TimeoutException or System.Net.Sockets.SocketException || e.InnerException is TimeoutException or System.Net.Sockets.SocketException
        || (e is DbException db && db.IsTransient);

    private void ExecuteReads(DbConnection connection, List<StateRead> batch)
    {
        var rows = _sql.Read(connection, _serviceId, batch.Select(r => r.Key).ToList());
        foreach (var read in batch)
        {
            read.Done.TrySetResult(rows.GetValueOrDefault(read.Key));
        }
    }

    private void ExecuteWrites(DbConnection connection, List<WriteRequest> batch)
    {
        while (batch.Count > 0)
        {
            using var transaction = connection.BeginTransaction();
            var appends = batch.SelectMany(r => r.Appends).ToList();
            var versions = _sql.Write(connection, transaction, _serviceId, batch.SelectMany(r => r.Writes).ToList(), appends);
            // A request is all or nothing: one that met a conflict on some rows but not others must change nothing, so
            // the transaction is rolled back and run again without it (it fails as a conflict).
            var answers = new List<(WriteRequest Request, int?[] Versions)>(batch.Count);
            var torn = new List<WriteRequest>();
            var position = 0;
            foreach (var request in batch)
            {
                var own = versions.AsSpan(position, request.Writes.Count).ToArray();
                position += own.Length;
                // A request with stream events is torn by any conflict: its events must not commit without its rows.
                if (own.Any(v => v is null) && (request.Appends.Count > 0 || own.Any(v => v is not null)))
                {
                    torn.Add(request);
                }
                answers.Add((request, own));
            }
            if (torn.Count > 0)
            {
                transaction.Rollback();
                foreach (var request in torn)
                {
                    request.Done.TrySetResult(new int?[request.Writes.Count]);
                    batch.Remove(request);
                }
                continue;
            }
            transaction.Commit();
            // The in-process signal, after the commit so a receiver woken by it finds the rows. On PostgreSQL the
            // statement's NOTIFY tells the other silos; this silo's receivers learn it here without the round trip.
            foreach (var append in appends)
            {
                _queues.MarkDirty(append.Queue);
            }
            foreach (var (request, own) in answers)
            {
                request.Done.TrySetResult(own);
            }
            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage {Storage}: a batch of {Count} operations failed; running them one by one")]
    private static partial void LogBatchSplit(ILogger logger, Exception exception, string storage, int count);
}

/// <summary>A state row's identity: the grain (type and key, as Orleans prints it) and the state's name.</summary>
internal readonly record struct StateKey(string GrainId, string StateName);

/// <summary>A stored state: its version (the ETag) and its payload (null once cleared).</summary>
internal sealed record StateRow(int Version, byte[]? Payload);

internal abstract class StateOperation
{
    /// <summary>The rows this operation reads or writes, which is what a batch's size limit counts.</summary>
    public virtual int Rows => 1;

    public abstract void Fail(Exception exception);
}

internal sealed class StateRead(StateKey key) : StateOperation
{
    public StateKey Key { get; } = key;

    public TaskCompletionSource<StateRow?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception exception) => Done.TrySetException(exception);
}

/// <summary>
/// A write (or, with a null payload, a clear) expecting the row at <see cref="Expected"/> (null: no row yet); or a post to
/// another grain's inbox, or the delete of an inbox row (<see cref="WriteKind"/>).
/// </summary>
internal sealed record StateWrite(StateKey Key, int? Expected, byte[]? Payload, WriteKind Kind = WriteKind.Versioned);

internal enum WriteKind
{
    Versioned,
    /// <summary>Inserts the row unless it exists (a notice written once; stored again by a retry, it stays as it was).</summary>
    Post,
    /// <summary>Deletes the row, whatever its version.</summary>
    Delete,
}

/// <summary>One event to append to the durable stream: its queue, its stream (namespace and key), its payload.</summary>
internal sealed record EventAppend(long Queue, string Namespace, string Key, byte[] Payload);

/// <summary>Writes and stream events that commit together or not at all (one grain's rows, or a single write).</summary>
internal sealed class WriteRequest(IReadOnlyList<StateWrite> writes, IReadOnlyList<EventAppend>? appends = null) : StateOperation
{
    public IReadOnlyList<StateWrite> Writes { get; } = writes;

    public IReadOnlyList<EventAppend> Appends { get; } = appends ?? [];

    public override int Rows => Writes.Count + Appends.Count;

    /// <summary>The new version of each write, or null for each when a row was not at its expected version.</summary>
    public TaskCompletionSource<int?[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception exception) => Done.TrySetException(exception);
}
