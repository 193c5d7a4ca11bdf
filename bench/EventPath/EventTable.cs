using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace GridActors.Bench.EventPath;

/// <summary>One event to append: the queue it maps to, its stream, and its payload (Orleans-serialized).</summary>
internal sealed record EventRow(long Queue, string Namespace, string Key, byte[] Payload);

/// <summary>An event read back from its queue.</summary>
internal sealed record StoredEvent(long Seq, string Namespace, string Key, byte[] Payload);

/// <summary>
/// The small storage helper of the prototype: a grain's state row and the events its change owes are written in ONE
/// database transaction (the transactional outbox is the stream's queue), and the queue receiver reads and deletes
/// them. Every command is counted, so the load at rest can be read off on SQLite, where there are no server statistics.
/// </summary>
internal abstract class EventTable
{
    private long _commands;
    private readonly ConcurrentDictionary<long, bool> _dirty = new();

    /// <summary>
    /// Whether appends signal their queues (after commit on SQLite, in-process; NOTIFY on PostgreSQL, delivered at
    /// commit to every silo listening), so a receiver reads the table only when told, or after its safety period.
    /// </summary>
    public bool Signals { get; init; }

    /// <summary>Marks <paramref name="queue"/> as having events a receiver has not read.</summary>
    public void MarkDirty(long queue) => _dirty[queue] = true;

    /// <summary>Takes the mark of <paramref name="queue"/>: true if it was set since the last take.</summary>
    public bool TakeDirty(long queue) => _dirty.TryUpdate(queue, false, true);

    /// <summary>Marks every queue: a lost listener may have missed signals.</summary>
    public void MarkAllDirty()
    {
        foreach (var queue in _dirty.Keys)
        {
            _dirty[queue] = true;
        }
    }

    /// <summary>Commands sent to the database so far by this process (schema excluded).</summary>
    public long Commands => Interlocked.Read(ref _commands);

    protected void Count(int n = 1) => Interlocked.Add(ref _commands, n);

    public abstract Task CreateSchema();

    /// <summary>Writes the grain's state row (version + 1) and appends <paramref name="events"/>, committed together.</summary>
    public abstract Task WriteState(string grainId, byte[] state, IReadOnlyList<EventRow> events);

    /// <summary>The oldest events of <paramref name="queue"/> after <paramref name="afterSeq"/>, in order.</summary>
    public abstract Task<List<StoredEvent>> Read(long queue, long afterSeq, int max);

    /// <summary>Deletes delivered events.</summary>
    public abstract Task Delete(long queue, IReadOnlyList<long> seqs);

    /// <summary>Events still stored (committed and not yet deleted).</summary>
    public abstract Task<long> Pending();
}

/// <summary>
/// SQLite as the embedded profile runs it: one file, WAL, synchronous=NORMAL, a busy timeout. One writer at a time, so
/// rowids are handed out in commit order and a reader that remembers the last seq it saw never skips a late commit.
/// </summary>
internal sealed class SqliteEventTable(string path) : EventTable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    private async Task<SqliteConnection> Open()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var tune = connection.CreateCommand();
        // wal_autocheckpoint = 0: the WAL only grows during a run, so its growth is the bytes written (write amplification).
        tune.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
        await tune.ExecuteNonQueryAsync().ConfigureAwait(false);
        return connection;
    }

    public override async Task CreateSchema()
    {
        await using var connection = await Open().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS grain_state (grain_id TEXT PRIMARY KEY, version INTEGER NOT NULL, payload BLOB) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS stream_event (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, queue_id INTEGER NOT NULL, ns TEXT NOT NULL, key TEXT NOT NULL, payload BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS stream_event_queue ON stream_event (queue_id, seq);
            """;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public override async Task WriteState(string grainId, byte[] state, IReadOnlyList<EventRow> events)
    {
        await using var connection = await Open().ConfigureAwait(false);
        // BEGIN IMMEDIATE: take the write lock at once, so two writers never deadlock upgrading a read lock.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO grain_state (grain_id, version, payload) VALUES ($g, 1, $p)
                ON CONFLICT (grain_id) DO UPDATE SET version = version + 1, payload = excluded.payload
                """;
            command.Parameters.AddWithValue("$g", grainId);
            command.Parameters.AddWithValue("$p", state);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        foreach (var e in events)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO stream_event (queue_id, ns, key, payload) VALUES ($q, $n, $k, $p)";
            command.Parameters.AddWithValue("$q", e.Queue);
            command.Parameters.AddWithValue("$n", e.Namespace);
            command.Parameters.AddWithValue("$k", e.Key);
            command.Parameters.AddWithValue("$p", e.Payload);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        await transaction.CommitAsync().ConfigureAwait(false);
        Count(2 + events.Count);
        // The embedded profile is one process: the signal is a flag, set after the commit so a reader woken by it sees the rows.
        foreach (var e in events)
        {
            MarkDirty(e.Queue);
        }
    }

    public override async Task<List<StoredEvent>> Read(long queue, long afterSeq, int max)
    {
        await using var connection = await Open().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, ns, key, payload FROM stream_event WHERE queue_id = $q AND seq > $s ORDER BY seq LIMIT $m";
        command.Parameters.AddWithValue("$q", queue);
        command.Parameters.AddWithValue("$s", afterSeq);
        command.Parameters.AddWithValue("$m", max);
        Count();
        return await ReadEvents(command).ConfigureAwait(false);
    }

    public override async Task Delete(long queue, IReadOnlyList<long> seqs)
    {
        await using var connection = await Open().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM stream_event WHERE queue_id = $q AND seq IN (SELECT value FROM json_each($s))";
        command.Parameters.AddWithValue("$q", queue);
        command.Parameters.AddWithValue("$s", "[" + string.Join(',', seqs.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]");
        Count();
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public override async Task<long> Pending()
    {
        await using var connection = await Open().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM stream_event";
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    internal static async Task<List<StoredEvent>> ReadEvents(DbCommand command)
    {
        var rows = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        }
        return rows;
    }
}

/// <summary>
/// PostgreSQL. Identity values are handed out at insert, not at commit, so two appends to one queue could become
/// visible out of order and a reader remembering the last seq would skip the later-visible one. The append therefore
/// takes a transaction-scoped advisory lock on its queue before inserting: appends to one queue commit in seq order
/// (appends to different queues do not wait for each other), and the lock writes nothing.
/// </summary>
internal sealed class PostgresEventTable(NpgsqlDataSource dataSource) : EventTable
{
    /// <summary>The advisory-lock class of stream queues (first key of pg_advisory_xact_lock(int, int)).</summary>
    private const int QueueLockClass = 0x4556;

    public override async Task CreateSchema()
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS grain_state (grain_id text PRIMARY KEY, version integer NOT NULL, payload bytea);
            CREATE TABLE IF NOT EXISTS stream_event (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue_id bigint NOT NULL, ns text NOT NULL, key text NOT NULL, payload bytea NOT NULL);
            CREATE INDEX IF NOT EXISTS stream_event_queue ON stream_event (queue_id, seq);
            """);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public override async Task WriteState(string grainId, byte[] state, IReadOnlyList<EventRow> events)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        // One round trip: the state row, the queue locks (in queue order, so two appends never deadlock), the events.
        await using var batch = new NpgsqlBatch(connection, transaction);
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO grain_state (grain_id, version, payload) VALUES ($1, 1, $2)
            ON CONFLICT (grain_id) DO UPDATE SET version = grain_state.version + 1, payload = excluded.payload
            """);
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId });
        upsert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = state, NpgsqlDbType = NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(upsert);
        foreach (var queue in events.Select(e => e.Queue).Distinct().Order())
        {
            var lockQueue = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)");
            lockQueue.Parameters.Add(new NpgsqlParameter<int> { TypedValue = QueueLockClass });
            lockQueue.Parameters.Add(new NpgsqlParameter<int> { TypedValue = unchecked((int)queue) });
            batch.BatchCommands.Add(lockQueue);
        }
        foreach (var e in events)
        {
            var insert = new NpgsqlBatchCommand("INSERT INTO stream_event (queue_id, ns, key, payload) VALUES ($1, $2, $3, $4)");
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Queue });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Namespace });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Key });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = e.Payload, NpgsqlDbType = NpgsqlDbType.Bytea });
            batch.BatchCommands.Add(insert);
        }
        if (Signals)
        {
            // Delivered to listeners only when (and if) the transaction commits; repeats within one transaction fold.
            foreach (var queue in events.Select(e => e.Queue).Distinct())
            {
                var notify = new NpgsqlBatchCommand("SELECT pg_notify('stream_event', $1)");
                notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queue.ToString(CultureInfo.InvariantCulture) });
                batch.BatchCommands.Add(notify);
            }
        }
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
        Count(batch.BatchCommands.Count);
    }

    public override async Task<List<StoredEvent>> Read(long queue, long afterSeq, int max)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, ns, key, payload FROM stream_event WHERE queue_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = queue });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSeq });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        Count();
        return await SqliteEventTable.ReadEvents(command).ConfigureAwait(false);
    }

    public override async Task Delete(long queue, IReadOnlyList<long> seqs)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM stream_event WHERE queue_id = $1 AND seq = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = queue });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. seqs] });
        Count();
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public override async Task<long> Pending()
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM stream_event");
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>
    /// Listens for appends on one dedicated connection (one per silo in a service; one per process here) until
    /// <paramref name="stop"/>. While the connection is down no signal arrives, so every queue is marked on reconnect.
    /// </summary>
    public async Task Listen(string connectionString, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) => MarkDirty(long.Parse(e.Payload, CultureInfo.InvariantCulture));
                await using (var listen = new NpgsqlCommand("LISTEN stream_event", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }
                MarkAllDirty();
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                MarkAllDirty();
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A state row alone, in its own transaction (the AdoNet candidate then queues the event in another).</summary>
    public async Task WriteStateOnly(string grainId, byte[] state) => await WriteState(grainId, state, []).ConfigureAwait(false);
}
