using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Bench;

/// <summary>
/// Baselines of B2, B3 and B6: raw single-row upserts, each its own transaction (autocommit), from
/// <c>--concurrency</c> concurrent writers for <c>--seconds</c>, after a warm-up. Each row is a new key with a
/// 1,500-byte payload (about the JSON of a freshly reported issue), so like a report it is an insert through
/// an upsert statement. PostgreSQL keeps its server settings (synchronous_commit on); SQLite gets the service's
/// settings: a new file with 16 KB pages (<c>--page-size</c>), WAL, and synchronous=NORMAL, busy_timeout 10 s, no memory
/// map and a 16 MB page cache on every connection.
/// </summary>
public static class RawUpserts
{
    private static readonly byte[] Payload = Enumerable.Range(0, 1500).Select(i => (byte)('a' + (i % 26))).ToArray();

    public static async Task<int> PostgresAsync(Options options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Get("connection")) { MaxPoolSize = 200 };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var create = source.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_raw (id uuid PRIMARY KEY, payload bytea NOT NULL, version integer NOT NULL, modified_at timestamptz NOT NULL DEFAULT now())"))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var setting = source.CreateCommand("SHOW synchronous_commit"))
        {
            Console.WriteLine($"  PostgreSQL synchronous_commit = {await setting.ExecuteScalarAsync()}");
        }
        const string Upsert = "INSERT INTO bench_raw (id, payload, version) VALUES ($1, $2, 1) "
            + "ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, version = bench_raw.version + 1, modified_at = now()";
        var rate = await RunAsync(options, async () =>
        {
            await using var command = source.CreateCommand(Upsert);
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            command.Parameters.Add(new NpgsqlParameter { Value = Payload });
            await command.ExecuteNonQueryAsync();
        });
        options.Record(options.Get("key", "raw.pg.rps"), rate);
        return 0;
    }

    /// <summary>The page size the service gives a new SQLite file (SchemaInstaller).</summary>
    private const int ServicePageSize = 16384;

    public static async Task<int> SqliteAsync(Options options)
    {
        var directory = options.Get("dir");
        Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "raw.db") }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // The page size first: a file's page size is fixed once it holds a table and is in WAL mode.
            command.CommandText = $"PRAGMA page_size = {options.Int("page-size", ServicePageSize)}; PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, payload BLOB NOT NULL, version INTEGER NOT NULL, modified_at TEXT NOT NULL);";
            command.ExecuteNonQuery();
        }
        const string Upsert = "INSERT INTO bench_raw (id, payload, version, modified_at) VALUES ($id, $payload, 1, $at) "
            + "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, version = bench_raw.version + 1, modified_at = excluded.modified_at";
        var rate = await RunAsync(options, async () =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using (var tune = connection.CreateCommand())
            {
                // The service's settings (SqliteTunedDataSource).
                tune.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 0; PRAGMA cache_size = -16384;";
                await tune.ExecuteNonQueryAsync();
            }
            await using var command = connection.CreateCommand();
            command.CommandText = Upsert;
            command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
            command.Parameters.AddWithValue("$payload", Payload);
            command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
            await command.ExecuteNonQueryAsync();
        });
        options.Record(options.Get("key", "raw.sqlite.rps"), rate);
        return 0;
    }

    /// <summary>Runs <paramref name="upsert"/> from many writers: a warm-up, then the timed window; returns upserts a second.</summary>
    private static async Task<double> RunAsync(Options options, Func<Task> upsert)
    {
        var concurrency = options.Int("concurrency", 64);
        var seconds = options.Double("seconds", 10);
        var warmup = options.Double("warmup", 2);
        long counted = 0;
        long errors = 0;
        var measuring = false;
        var stop = Stopwatch.StartNew();
        var total = TimeSpan.FromSeconds(warmup + seconds);
        var writers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (stop.Elapsed < total)
            {
                try
                {
                    await upsert();
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref counted);
                    }
                }
                catch (Exception) when (Interlocked.Increment(ref errors) < 1000)
                {
                }
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        Volatile.Write(ref measuring, true);
        var window = Stopwatch.StartNew();
        await Task.WhenAll(writers);
        var rate = Interlocked.Read(ref counted) / window.Elapsed.TotalSeconds;
        Console.WriteLine($"  {concurrency} writers, {seconds:0} s: {rate:0} upserts/s, {errors} errors");
        if (errors > 0)
        {
            throw new InvalidOperationException($"{errors} upserts failed");
        }
        return rate;
    }
}
