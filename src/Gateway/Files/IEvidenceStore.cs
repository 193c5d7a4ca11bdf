namespace GridActors.Gateway.Files;

/// <summary>
/// Where evidence files' bytes live (证据文件存储), content-addressed by their SHA-256, with the resumable uploads still
/// arriving. On disk under the data folder in the embedded profile (<see cref="DiskEvidenceStore"/>), in PostgreSQL in
/// the cluster profile (<see cref="PostgresEvidenceStore"/>); docs/files.md says why each.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Stores a file that passed every check; storing the same bytes again is a no-op.</summary>
    Task Put(string sha256, byte[] content, CancellationToken cancellationToken = default);

    /// <summary>The file's bytes, or null when none is stored under that SHA-256.</summary>
    Task<byte[]?> Get(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Starts a resumable upload of at most <paramref name="limit"/> bytes.</summary>
    Task CreateUpload(Guid id, long limit, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The upload's bytes so far and its limit; null when there is no such upload (or it expired).</summary>
    Task<(long Offset, long Limit)?> UploadOffset(Guid id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="chunk"/> when the upload holds exactly <paramref name="offset"/> bytes; the new offset, or
    /// null when the offset did not match (a retried or out-of-order chunk, nothing written).
    /// </summary>
    Task<long?> Append(Guid id, long offset, byte[] chunk, CancellationToken cancellationToken = default);

    /// <summary>The whole upload's bytes; null when there is no such upload.</summary>
    Task<byte[]?> ReadUpload(Guid id, CancellationToken cancellationToken = default);

    Task DeleteUpload(Guid id, CancellationToken cancellationToken = default);
}
