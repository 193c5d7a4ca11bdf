using System.Data.Common;
using System.Globalization;
using GridActors.Silo.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace GridActors.Silo.Streams;

/// <summary>An event read back from its queue: its seq (the order, and the sequence token), its stream, its payload.</summary>
internal sealed record StoredEvent(long Seq, string Namespace, string Key, byte[] Payload);

/// <summary>
/// The receiver's statements on <c>stream_event</c> (schema: Storage/Sql/&lt;provider&gt;/schema). Appends are written by
/// <see cref="GroupCommitGrainStorage"/>, in the transaction of the change that owes them (<see cref="GrainStateSql"/>).
/// </summary>
internal abstract class StreamEventSql(DbDataSource dataSource, string serviceId)
{
    public static StreamEventSql For(StorageProvider provider, DbDataSource dataSource, string serviceId) =>
        provider == StorageProvider.PostgreSQL ? new Postgres(dataSource, serviceId) : new Sqlite(dataSource, serviceId);

    protected DbDataSource DataSource => dataSource;

    protected string ServiceId => serviceId;

    /// <summary>The oldest events of <paramref name="queue"/> after <paramref name="afterSeq"/>, in seq order.</summary>
    public abstract Task<List<StoredEvent>> Read(long queue, long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>Deletes delivered events of <paramref name="queue"/>.</summary>
    public abstract Task Delete(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken);

    /// <summary>
    /// Moves events of <paramref name="queue"/> to its end (new seqs, in their order), so the receiver, past them already,
    /// reads them again: a delivery that failed is kept and retried, never dropped.
    /// </summary>
    public abstract Task Requeue(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken);

    protected static async Task<List<StoredEvent>> Events(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        }
        return rows;
    }

    private sealed class Postgres(DbDataSource dataSource, string serviceId) : StreamEventSql(dataSource, serviceId)
    {
        public override async Task<List<StoredEvent>> Read(long queue, long afterSeq, int max, CancellationToken cancellationToken)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT seq, ns, key, payload FROM stream_event WHERE service_id = $1 AND queue_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
                (NpgsqlConnection)connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = ServiceId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = queue });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = afterSeq });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = max });
            return await Events(command, cancellationToken).ConfigureAwait(false);
        }

        public override async Task Delete(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "DELETE FROM stream_event WHERE service_id = $1 AND queue_id = $2 AND seq = ANY($3)", (NpgsqlConnection)connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = ServiceId });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = queue });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = seqs.ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async Task Requeue(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
        {
            // As an append: the queue's lock until the commit, so the new seqs become visible in order (GrainStateSql).
            await using var connection = (NpgsqlConnection)await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            var lockQueue = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)");
            lockQueue.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = PostgresGrainStateSql.QueueLockClass });
            lockQueue.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = unchecked((int)queue) });
            batch.BatchCommands.Add(lockQueue);
            var move = new NpgsqlBatchCommand(
                "WITH moved AS (DELETE FROM stream_event WHERE service_id = $1 AND queue_id = $2 AND seq = ANY($3) RETURNING seq, ns, key, payload) "
                + "INSERT INTO stream_event (service_id, queue_id, ns, key, payload) SELECT $1, $2, ns, key, payload FROM moved ORDER BY seq");
            move.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = ServiceId });
            move.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = queue });
            move.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = seqs.ToArray() });
            batch.BatchCommands.Add(move);
            var notify = new NpgsqlBatchCommand("SELECT pg_notify('" + PostgresGrainStateSql.StreamEventChannel + "', $1)");
            notify.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = queue.ToString(CultureInfo.InvariantCulture) });
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Sqlite(DbDataSource dataSource, string serviceId) : StreamEventSql(dataSource, serviceId)
    {
        public override async Task<List<StoredEvent>> Read(long queue, long afterSeq, int max, CancellationToken cancellationToken)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqliteCommand(
                "SELECT seq, ns, key, payload FROM stream_event WHERE service_id = @service AND queue_id = @queue AND seq > @after ORDER BY seq LIMIT @max",
                (SqliteConnection)connection);
            command.Parameters.AddWithValue("@service", ServiceId);
            command.Parameters.AddWithValue("@queue", queue);
            command.Parameters.AddWithValue("@after", afterSeq);
            command.Parameters.AddWithValue("@max", max);
            return await Events(command, cancellationToken).ConfigureAwait(false);
        }

        public override async Task Delete(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqliteCommand(
                "DELETE FROM stream_event WHERE service_id = @service AND queue_id = @queue AND seq IN (SELECT value FROM json_each(@seqs))",
                (SqliteConnection)connection);
            command.Parameters.AddWithValue("@service", ServiceId);
            command.Parameters.AddWithValue("@queue", queue);
            command.Parameters.AddWithValue("@seqs", "[" + string.Join(',', seqs.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async Task Requeue(long queue, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
        {
            await using var connection = (SqliteConnection)await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new SqliteCommand(
                "INSERT INTO stream_event (service_id, queue_id, ns, key, payload, appended_at) "
                + "SELECT service_id, queue_id, ns, key, payload, datetime() FROM stream_event "
                + "WHERE service_id = @service AND queue_id = @queue AND seq IN (SELECT value FROM json_each(@seqs)) ORDER BY seq; "
                + "DELETE FROM stream_event WHERE service_id = @service AND queue_id = @queue AND seq IN (SELECT value FROM json_each(@seqs));",
                connection, transaction);
            command.Parameters.AddWithValue("@service", ServiceId);
            command.Parameters.AddWithValue("@queue", queue);
            command.Parameters.AddWithValue("@seqs", "[" + string.Join(',', seqs.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
