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
    }
}
