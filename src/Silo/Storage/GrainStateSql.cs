using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace GridActors.Silo.Storage;

/// <summary>
/// The statements of <see cref="GroupCommitGrainStorage"/> on tables <c>grain_states</c> and <c>grain_inbox</c> (schema:
/// Sql/&lt;provider&gt;/schema).
/// A write with an expected version updates the row only while it is still at that version; a write expecting no row
/// inserts one at version 1 unless a row exists. Either way a conflict changes nothing and is reported as a null version.
/// </summary>
internal abstract class GrainStateSql
{
    public static GrainStateSql For(StorageProvider provider) =>
        provider == StorageProvider.PostgreSQL ? new PostgresGrainStateSql() : new SqliteGrainStateSql();

    /// <summary>
    /// Write batches in flight at once. PostgreSQL runs each on its own server process and flushes their commits together,
    /// so a second batch executes while the first waits for its commit to reach the disk; SQLite has one writer at a time.
    /// </summary>
    public abstract int WriteLoops { get; }

    /// <summary>The rows found for <paramref name="keys"/>; a key with no row is absent from the answer.</summary>
    public abstract Dictionary<StateKey, StateRow> Read(DbConnection connection, string serviceId, IReadOnlyList<StateKey> keys);

    /// <summary>Every row of one grain whose state name starts with <paramref name="prefix"/> (cleared rows included).</summary>
    public abstract Task<List<(string StateName, StateRow Row)>> ReadAll(DbConnection connection, string serviceId, string grainId, string prefix);

    /// <summary>
    /// The grain part of a post's or a take's <see cref="StateKey"/> (its state name is the row's <c>post_name</c> in
    /// <c>grain_inbox</c>); no grain has this id.
    /// </summary>
    public const string InboxGrain = "inbox";

    /// <summary>A notice's row in the inbox log (<c>post_name</c>): its id (32 hex digits, time-ordered), a slash, the receiver.</summary>
    public static string InboxName(Guid notice, string receiver) => $"{notice:N}/{receiver}";

    /// <summary>Where the receiver starts in a <c>post_name</c> (1-based, for SQL's substr).</summary>
    protected const int ReceiverStart = 34;

    /// <summary>The inbox rows of one receiver (post name, payload), oldest first. The log holds only notices not yet taken, so it stays short.</summary>
    public abstract Task<List<(string PostName, byte[] Payload)>> ReadInbox(DbConnection connection, string serviceId, string receiver);

    /// <summary>
    /// Applies the writes and appends the stream events in the transaction; answers each write's new version (null: it
    /// met a conflict), in order. The events are appended after the rows, in the order given.
    /// </summary>
    public abstract int?[] Write(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<StateWrite> writes, IReadOnlyList<EventAppend> appends);

    /// <summary>Reads (state name, version, payload) rows.</summary>
    protected static async Task<List<(string StateName, StateRow Row)>> NamedRows(DbCommand command)
    {
        var rows = new List<(string, StateRow)>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), new StateRow(reader.GetInt32(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2))));
        }
        return rows;
    }

    /// <summary>Reads (post name, payload) rows of the inbox log.</summary>
    protected static async Task<List<(string PostName, byte[] Payload)>> PostRows(DbCommand command)
    {
        var rows = new List<(string, byte[])>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        return rows;
    }

    /// <summary>
    /// The version a write leaves, or null for a conflict. A post or a delete has no version to keep and cannot conflict: a
    /// post already stored (a retried write) and a row already deleted are what the writer wanted.
    /// </summary>
    protected static int? NewVersion(StateWrite write, int rowsChanged) => write.Kind switch
    {
        WriteKind.Versioned => rowsChanged == 1 ? (write.Expected ?? 0) + 1 : null,
        _ => 0,
    };
}

/// <summary>
/// PostgreSQL: all reads of a batch in one statement, all writes of a batch in one round trip (an Npgsql batch). Reads and
/// writes run prepared on the storage's kept connections: parsing and planning these small statements cost the server more
/// than running them (a third of its CPU per report, measured with perf). A prepared statement may get a generic plan
/// after five runs, so the read is written to have only one good plan: one primary-key probe per requested key.
/// </summary>
internal sealed class PostgresGrainStateSql : GrainStateSql
{
    public override int WriteLoops => 2;

    // LIMIT 1 keeps the lateral subquery from being flattened into a join, which a generic plan would run as a scan of
    // the whole table (116 ms a read at 100,000 rows, measured before this form).
    private const string ReadSql =
        "SELECT k.grain_id, k.state_name, s.version, s.payload FROM unnest($2::text[], $3::text[]) AS k(grain_id, state_name) " +
        "CROSS JOIN LATERAL (SELECT version, payload FROM grain_states " +
        "WHERE service_id = $1 AND grain_id = k.grain_id AND state_name = k.state_name LIMIT 1) AS s";

    // The key's index finds the grain's rows; starts_with then picks the names (no LIKE: a name may hold '%' or '_').
    private const string ReadAllSql =
        "SELECT state_name, version, payload FROM grain_states WHERE service_id = $1 AND grain_id = $2 AND starts_with(state_name, $3)";

    private const string InsertSql =
        "INSERT INTO grain_states (service_id, grain_id, state_name, version, payload, modified_at) " +
        "VALUES ($1, $2, $3, 1, $4, now()) ON CONFLICT DO NOTHING";

    private const string UpdateSql =
        "UPDATE grain_states SET version = version + 1, payload = $4, modified_at = now() " +
        "WHERE service_id = $1 AND grain_id = $2 AND state_name = $3 AND version = $5";


    public override Dictionary<StateKey, StateRow> Read(DbConnection connection, string serviceId, IReadOnlyList<StateKey> keys)
    {
        using var command = new NpgsqlCommand(ReadSql, (NpgsqlConnection)connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys.Select(k => k.GrainId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys.Select(k => k.StateName).ToArray() });
        command.Prepare();
        var rows = new Dictionary<StateKey, StateRow>(keys.Count);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var payload = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
            rows[new StateKey(reader.GetString(0), reader.GetString(1))] = new StateRow(reader.GetInt32(2), payload);
        }
        return rows;
    }

    public override async Task<List<(string StateName, StateRow Row)>> ReadAll(DbConnection connection, string serviceId, string grainId, string prefix)
    {
        await using var command = new NpgsqlCommand(ReadAllSql, (NpgsqlConnection)connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = grainId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = prefix });
        return await NamedRows(command).ConfigureAwait(false);
    }

    private static readonly string ReadInboxSql =
        $"SELECT post_name, payload FROM grain_inbox WHERE substr(post_name, {ReceiverStart}) = $2 AND service_id = $1 ORDER BY post_name";

    public override async Task<List<(string PostName, byte[] Payload)>> ReadInbox(DbConnection connection, string serviceId, string receiver)
    {
        await using var command = new NpgsqlCommand(ReadInboxSql, (NpgsqlConnection)connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = receiver });
        return await PostRows(command).ConfigureAwait(false);
    }

    // The inbox log's rows of a batch go in one statement each way (a report posts two, a receiver's write takes many):
    // as a statement per row they doubled the statements PostgreSQL ran per report. Neither can conflict, so no row
    // needs its own count. The take runs unprepared, after the batch and in its transaction: planned for its own names
    // on the log as it is now, it probes the key once per name. Prepared, it got a generic plan made while the log was
    // near empty (a scan of the log, 14 ms a take once the log held its dead rows, half of PostgreSQL's time per
    // report); a take runs in about one batch in five, so the planning costs little.
    private const string PostManySql =
        "INSERT INTO grain_inbox (post_name, service_id, payload, posted_at) " +
        "SELECT k.post_name, $1, k.payload, now() FROM unnest($2::text[], $3::bytea[]) AS k(post_name, payload) " +
        "ON CONFLICT DO NOTHING";

    private const string TakeManySql = "DELETE FROM grain_inbox WHERE post_name = ANY($2::text[]) AND service_id = $1";

    // The advisory-lock class of stream queues (the first key of pg_advisory_xact_lock(int, int); spells "EV").
    internal const int QueueLockClass = 0x4556;

    // Each queue appended to is locked until the commit, in one order for every transaction (so two write loops never
    // deadlock on two queues): appends to one queue then commit in the order of their seqs, which are taken at insert.
    // Without the lock, a reader that remembers the last seq it saw could pass over a seq whose transaction commits later.
    // Appends to different queues do not wait for each other, and the lock writes nothing.
    private const string LockQueuesSql = "SELECT pg_advisory_xact_lock($1, q) FROM unnest($2::int[]) AS q";

    private const string AppendSql =
        "INSERT INTO stream_event (service_id, queue_id, ns, key, payload) " +
        "SELECT $1, e.queue_id, e.ns, e.key, e.payload FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bytea[]) AS e(queue_id, ns, key, payload)";

    // Delivered to every listening silo when, and only if, the transaction commits (StreamEventListener).
    private const string NotifySql = "SELECT pg_notify('" + StreamEventChannel + "', q::text) FROM unnest($1::bigint[]) AS q";

    /// <summary>The channel on which a commit that appended to the stream names its queues.</summary>
    public const string StreamEventChannel = "stream_event";

    public override int?[] Write(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<StateWrite> writes, IReadOnlyList<EventAppend> appends)
    {
        // Rows are locked in key order, so two silos' batches that share rows (two activations of one grain during a
        // silo loss) wait for each other instead of deadlocking. Inbox rows are never shared that way: a notice is
        // posted by its issue's write and taken by its one receiver after it learned of it.
        var order = Enumerable.Range(0, writes.Count)
            .Where(i => writes[i].Kind == WriteKind.Versioned)
            .OrderBy(i => writes[i].Key.GrainId, StringComparer.Ordinal).ThenBy(i => writes[i].Key.StateName, StringComparer.Ordinal)
            .ToArray();
        var posts = writes.Where(w => w.Kind == WriteKind.Post).OrderBy(w => w.Key.StateName, StringComparer.Ordinal).ToArray();
        var taken = writes.Where(w => w.Kind == WriteKind.Delete).Select(w => w.Key.StateName).Order(StringComparer.Ordinal).ToArray();
        using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var i in order)
        {
            var write = writes[i];
            var command = new NpgsqlBatchCommand(write.Expected is null ? InsertSql : UpdateSql);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = write.Key.GrainId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = write.Key.StateName });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)write.Payload ?? DBNull.Value });
            if (write.Expected is { } expected)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = expected });
            }
            batch.BatchCommands.Add(command);
        }
        if (posts.Length > 0)
        {
            var command = new NpgsqlBatchCommand(PostManySql);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = posts.Select(p => p.Key.StateName).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = posts.Select(p => p.Payload!).ToArray() });
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            batch.Prepare();
            batch.ExecuteNonQuery();
        }
        if (taken.Length > 0)
        {
            using var take = new NpgsqlCommand(TakeManySql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            take.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
            take.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = taken });
            take.ExecuteNonQuery();
        }
        if (appends.Count > 0)
        {
            Append((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, serviceId, appends);
        }
        var versions = new int?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            versions[i] = writes[i].Kind == WriteKind.Versioned ? null : 0;
        }
        for (var position = 0; position < order.Length; position++)
        {
            var i = order[position];
            versions[i] = NewVersion(writes[i], batch.BatchCommands[position].RecordsAffected);
        }
        return versions;
    }

    private static void Append(NpgsqlConnection connection, NpgsqlTransaction transaction, string serviceId, IReadOnlyList<EventAppend> appends)
    {
        var queues = appends.Select(a => a.Queue).Distinct().ToArray();
        using var batch = new NpgsqlBatch(connection, transaction);
        var locks = new NpgsqlBatchCommand(LockQueuesSql);
        locks.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = QueueLockClass });
        locks.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer,
            Value = queues.Select(q => unchecked((int)q)).Order().ToArray(),
        });
        batch.BatchCommands.Add(locks);
        var insert = new NpgsqlBatchCommand(AppendSql);
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = serviceId });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = appends.Select(a => a.Queue).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = appends.Select(a => a.Namespace).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = appends.Select(a => a.Key).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = appends.Select(a => a.Payload).ToArray() });
        batch.BatchCommands.Add(insert);
        var notify = new NpgsqlBatchCommand(NotifySql);
        notify.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = queues });
        batch.BatchCommands.Add(notify);
        batch.Prepare();
        batch.ExecuteNonQuery();
    }
}

/// <summary>
/// SQLite: the database is a file in this process, so a statement costs no round trip; what matters is the single
/// writer lock and the commit, which a batch takes once for all its writes.
/// </summary>
internal sealed class SqliteGrainStateSql : GrainStateSql
{
    public override int WriteLoops => 1;

    private const string ReadSql =
        "SELECT version, payload FROM grain_states WHERE service_id = @service AND grain_id = @grain AND state_name = @state";

    private const string ReadAllSql =
        "SELECT state_name, version, payload FROM grain_states " +
        "WHERE service_id = @service AND grain_id = @grain AND substr(state_name, 1, length(@prefix)) = @prefix";

    private const string InsertSql =
        "INSERT INTO grain_states (service_id, grain_id, state_name, version, payload, modified_at) " +
        "VALUES (@service, @grain, @state, 1, @payload, datetime()) ON CONFLICT DO NOTHING";

    private const string UpdateSql =
        "UPDATE grain_states SET version = version + 1, payload = @payload, modified_at = datetime() " +
        "WHERE service_id = @service AND grain_id = @grain AND state_name = @state AND version = @version";

    private const string PostSql =
        "INSERT INTO grain_inbox (post_name, service_id, payload, posted_at) VALUES (@state, @service, @payload, datetime()) ON CONFLICT DO NOTHING";

    private const string TakeSql = "DELETE FROM grain_inbox WHERE post_name = @state AND service_id = @service";

    public override Dictionary<StateKey, StateRow> Read(DbConnection connection, string serviceId, IReadOnlyList<StateKey> keys)
    {
        using var command = new SqliteCommand(ReadSql, (SqliteConnection)connection);
        command.Parameters.AddWithValue("@service", serviceId);
        var grain = command.Parameters.Add("@grain", SqliteType.Text);
        var state = command.Parameters.Add("@state", SqliteType.Text);
        var rows = new Dictionary<StateKey, StateRow>(keys.Count);
        foreach (var key in keys)
        {
            grain.Value = key.GrainId;
            state.Value = key.StateName;
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                rows[key] = new StateRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1));
            }
        }
        return rows;
    }

    public override async Task<List<(string StateName, StateRow Row)>> ReadAll(DbConnection connection, string serviceId, string grainId, string prefix)
    {
        await using var command = new SqliteCommand(ReadAllSql, (SqliteConnection)connection);
        command.Parameters.AddWithValue("@service", serviceId);
        command.Parameters.AddWithValue("@grain", grainId);
        command.Parameters.AddWithValue("@prefix", prefix);
        return await NamedRows(command).ConfigureAwait(false);
    }

    private static readonly string ReadInboxSql =
        $"SELECT post_name, payload FROM grain_inbox WHERE substr(post_name, {ReceiverStart}) = @receiver AND service_id = @service ORDER BY post_name";

    public override async Task<List<(string PostName, byte[] Payload)>> ReadInbox(DbConnection connection, string serviceId, string receiver)
    {
        await using var command = new SqliteCommand(ReadInboxSql, (SqliteConnection)connection);
        command.Parameters.AddWithValue("@service", serviceId);
        command.Parameters.AddWithValue("@receiver", receiver);
        return await PostRows(command).ConfigureAwait(false);
    }

    private const string AppendSql =
        "INSERT INTO stream_event (service_id, queue_id, ns, key, payload, appended_at) VALUES (@service, @queue, @ns, @key, @payload, datetime())";

    public override int?[] Write(DbConnection connection, DbTransaction transaction, string serviceId, IReadOnlyList<StateWrite> writes, IReadOnlyList<EventAppend> appends)
    {
        var sqlite = (SqliteConnection)connection;
        using var insert = Command(sqlite, transaction, InsertSql, serviceId, grain: true, payload: true);
        using var update = Command(sqlite, transaction, UpdateSql, serviceId, grain: true, payload: true);
        update.Parameters.Add("@version", SqliteType.Integer);
        SqliteCommand? post = null;
        SqliteCommand? take = null;
        var versions = new int?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            var command = write.Kind switch
            {
                WriteKind.Post => post ??= Command(sqlite, transaction, PostSql, serviceId, grain: false, payload: true),
                WriteKind.Delete => take ??= Command(sqlite, transaction, TakeSql, serviceId, grain: false, payload: false),
                _ => write.Expected is null ? insert : update,
            };
            command.Parameters["@state"].Value = write.Key.StateName;
            if (write.Kind == WriteKind.Versioned)
            {
                command.Parameters["@grain"].Value = write.Key.GrainId;
            }
            if (write.Kind != WriteKind.Delete)
            {
                command.Parameters["@payload"].Value = (object?)write.Payload ?? DBNull.Value;
            }
            if (write.Kind == WriteKind.Versioned && write.Expected is { } expected)
            {
                command.Parameters["@version"].Value = expected;
            }
            versions[i] = NewVersion(write, command.ExecuteNonQuery());
        }
        post?.Dispose();
        take?.Dispose();
        if (appends.Count > 0)
        {
            // One writer at a time: seqs are handed out in commit order, and the storage signals the queues after the commit.
            using var append = new SqliteCommand(AppendSql, sqlite, (SqliteTransaction)transaction);
            append.Parameters.AddWithValue("@service", serviceId);
            var queue = append.Parameters.Add("@queue", SqliteType.Integer);
            var ns = append.Parameters.Add("@ns", SqliteType.Text);
            var key = append.Parameters.Add("@key", SqliteType.Text);
            var payload = append.Parameters.Add("@payload", SqliteType.Blob);
            foreach (var e in appends)
            {
                queue.Value = e.Queue;
                ns.Value = e.Namespace;
                key.Value = e.Key;
                payload.Value = e.Payload;
                append.ExecuteNonQuery();
            }
        }
        return versions;
    }

    private static SqliteCommand Command(SqliteConnection connection, DbTransaction transaction, string sql, string serviceId, bool grain, bool payload)
    {
        var command = new SqliteCommand(sql, connection, (SqliteTransaction)transaction);
        command.Parameters.AddWithValue("@service", serviceId);
        command.Parameters.Add("@state", SqliteType.Text);
        if (grain)
        {
            command.Parameters.Add("@grain", SqliteType.Text);
        }
        if (payload)
        {
            command.Parameters.Add("@payload", SqliteType.Blob);
        }
        return command;
    }
}
