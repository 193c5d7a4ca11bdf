using Npgsql;

namespace GridActors.Gateway.Files;

/// <summary>
/// Evidence files in PostgreSQL (the cluster profile: gateways on several machines share no disk), as rows of a bytea
/// table keyed by SHA-256 rather than large objects: a file is at most the upload limit (10 MB by default), which a
/// bytea value carries in one statement; a row is written, backed up (pg_dump without --blobs) and deleted with the
/// others, where a large object is a separate thing that outlives a deleted row unless cleaned up by hand. docs/files.md.
/// </summary>
public sealed class PostgresEvidenceStore(NpgsqlDataSource dataSource) : IEvidenceStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS evidence_files (sha256 text PRIMARY KEY, content bytea NOT NULL, stored_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS evidence_uploads (id uuid PRIMARY KEY, upload_limit bigint NOT NULL, expires_at timestamptz NOT NULL, content bytea NOT NULL);
        """;

    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private bool _schemaReady;

    private async Task<NpgsqlConnection> Open(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!_schemaReady)
        {
            await _schemaLock.WaitAsync(cancellationToken);
            try
            {
                if (!_schemaReady)
                {
                    await using var create = new NpgsqlCommand(Schema, connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                    _schemaReady = true;
                }
            }
            finally
            {
                _schemaLock.Release();
            }
        }
        return connection;
    }

    private async Task<T> Run<T>(string sql, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Open(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await run(command);
    }

    public Task Put(string sha256, byte[] content, CancellationToken cancellationToken = default) =>
        Run("INSERT INTO evidence_files (sha256, content) VALUES (@sha, @content) ON CONFLICT (sha256) DO NOTHING",
            c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, ("sha", sha256), ("content", content));

    public Task<byte[]?> Get(string sha256, CancellationToken cancellationToken = default) =>
        Run("SELECT content FROM evidence_files WHERE sha256 = @sha",
            async c => await c.ExecuteScalarAsync(cancellationToken) as byte[], cancellationToken, ("sha", sha256));

    public Task CreateUpload(Guid id, long limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Run("INSERT INTO evidence_uploads (id, upload_limit, expires_at, content) VALUES (@id, @limit, @expires, ''::bytea)",
            c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, ("id", id), ("limit", limit), ("expires", expiresAt.UtcDateTime));

    public Task<(long Offset, long Limit)?> UploadOffset(Guid id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Run("SELECT length(content)::bigint, upload_limit FROM evidence_uploads WHERE id = @id AND expires_at > @now", async c =>
        {
            await using var reader = await c.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : ((long, long)?)null;
        }, cancellationToken, ("id", id), ("now", now.UtcDateTime));

    // The offset check and the append are one statement, so two retries of one chunk cannot both land.
    public Task<long?> Append(Guid id, long offset, byte[] chunk, CancellationToken cancellationToken = default) =>
        Run("UPDATE evidence_uploads SET content = content || @chunk WHERE id = @id AND length(content) = @offset RETURNING length(content)::bigint",
            async c => await c.ExecuteScalarAsync(cancellationToken) is long length ? length : (long?)null,
            cancellationToken, ("id", id), ("offset", offset), ("chunk", chunk));

    public Task<byte[]?> ReadUpload(Guid id, CancellationToken cancellationToken = default) =>
        Run("SELECT content FROM evidence_uploads WHERE id = @id",
            async c => await c.ExecuteScalarAsync(cancellationToken) as byte[], cancellationToken, ("id", id));

    public Task DeleteUpload(Guid id, CancellationToken cancellationToken = default) =>
        Run("DELETE FROM evidence_uploads WHERE id = @id", c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken, ("id", id));
}
