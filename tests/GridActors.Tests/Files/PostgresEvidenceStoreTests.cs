using System.Security.Cryptography;
using GridActors.Gateway.Files;
using GridActors.Tests.Infrastructure;
using Npgsql;

namespace GridActors.Tests.Files;

/// <summary>The cluster profile's evidence store on a real PostgreSQL (GRIDACTORS_TEST_POSTGRES; fails without one).</summary>
public sealed class PostgresEvidenceStoreTests
{
    [Fact]
    public async Task FilesAndResumableUploads_RoundTrip()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new PostgresEvidenceStore(dataSource);
        var file = RandomNumberGenerator.GetBytes(300_000);
        var sha = Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();

        Assert.Null(await store.Get(sha));
        await store.Put(sha, file);
        await store.Put(sha, file); // the same bytes again: content-addressed, no second row, no error
        Assert.Equal(file, await store.Get(sha));
        // Another store on the same database (another gateway of the cluster) reads it.
        Assert.Equal(file, await new PostgresEvidenceStore(dataSource).Get(sha));

        var upload = Guid.NewGuid();
        var now = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        await store.CreateUpload(upload, 1_000_000, now.AddHours(24));
        Assert.Equal((0L, 1_000_000L), await store.UploadOffset(upload, now));
        Assert.Equal(100_000, await store.Append(upload, 0, file[..100_000]));
        Assert.Null(await store.Append(upload, 0, file[..100_000])); // a retried part: refused, not appended twice
        Assert.Equal(300_000, await store.Append(upload, 100_000, file[100_000..]));
        Assert.Equal(file, await store.ReadUpload(upload));
        Assert.Null(await store.UploadOffset(upload, now.AddHours(25)));
        await store.DeleteUpload(upload);
        Assert.Null(await store.ReadUpload(upload));
    }
}
