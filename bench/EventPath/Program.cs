using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Streams;
using Orleans.TestingHost;

namespace GridActors.Bench.EventPath;

/// <summary>
/// Measures a candidate for the durable event path (docs/event-path.md). Modes:
///   latency --candidate C --rate N --seconds S   append-to-consumer p50/p99, then rows and bytes written per event
///   idle    --candidate C --seconds S           database commands per second with no traffic
///   kill    --candidate C --rate N              two silos; one killed mid-burst; lost and duplicate deliveries
///   linger  --candidate C --seconds S           a trickle of events, then S quiet seconds: what stays stored, what comes twice
/// Candidates: own-sqlite, own-pg (the project's own queue adapter), adonet-pg (Microsoft.Orleans.Streaming.AdoNet),
/// state-sqlite, state-pg (the state row alone: the baseline write amplification is measured against).
/// Options: --period MS (pulling period, default 100), --queues Q (default 8; AdoNet's default is 1), --cache N (cache
/// size, default 4096 as Orleans), --postgres CS, --adonet-script PATH (the provider's PostgreSQL-Streaming.sql),
/// --signals on (own adapter: appends signal their queue; receivers read when signalled or every --safety MS, default 1000).
/// </summary>
public static class Program
{
    internal const string OwnProvider = "own";
    internal const string AdoNetProvider = "adonet";
    internal const string Namespace = "eventpath";

    private static readonly Dictionary<string, string> Options = [];

    private static string Opt(string name, string fallback) => Options.GetValueOrDefault(name, fallback);

    private static int IntOpt(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public static async Task<int> Main(string[] args)
    {
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            Options[args[i].TrimStart('-')] = args[i + 1];
        }
        var mode = args.Length > 0 ? args[0] : "latency";
        var candidate = new Candidate(Opt("candidate", "own-sqlite"));
        var signals = Opt("signals", "off") == "on";
        OwnQueueReceiver.SafetyPeriod = TimeSpan.FromMilliseconds(IntOpt("safety", 1000));
        await using var database = await Database.Create(candidate, Opt("postgres", "Host=127.0.0.1;Port=55999;Username=postgres"), Opt("adonet-script", ""), signals);
        Console.WriteLine($"# {mode} {string.Join(' ', args.Skip(1))}");
        return mode switch
        {
            "latency" => await Latency(candidate, database),
            "idle" => await Idle(candidate, database),
            "kill" => await Kill(candidate, database),
            "linger" => await Linger(candidate, database),
            _ => throw new ArgumentException($"unknown mode {mode}"),
        };
    }

    private static InProcessTestCluster Cluster(Candidate candidate, Database database, short silos)
    {
        var period = TimeSpan.FromMilliseconds(IntOpt("period", 100));
        var queues = IntOpt("queues", 8);
        var cache = IntOpt("cache", SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(candidate);
            silo.Services.AddSingleton(database.Table);
            silo.Services.AddSingleton(new OwnStreamQueues(queues));
            if (candidate.AdoNet)
            {
                silo.AddAdoNetStreams(AdoNetProvider, (SiloAdoNetStreamConfigurator c) =>
                {
                    c.ConfigureAdoNet(ob => ob.Configure(o =>
                    {
                        o.Invariant = "Npgsql";
                        o.ConnectionString = database.ConnectionString;
                    }));
                    c.ConfigurePartitioning(queues);
                    c.ConfigureCache(cache);
                    c.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = period));
                    c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                });
            }
            else
            {
                silo.AddPersistentStreams(OwnProvider, OwnQueueAdapterFactory.Create, c =>
                {
                    c.Configure<SimpleQueueCacheOptions>(ob => ob.Configure(o => o.CacheSize = cache));
                    c.ConfigurePullingAgent(ob => ob.Configure(o => o.GetQueueMsgsTimerPeriod = period));
                    c.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                });
            }
        });
        return builder.Build();
    }

    /// <summary>Sends <paramref name="rate"/> events a second for <paramref name="duration"/>; answers the ids acknowledged.</summary>
    private static async Task<List<long>> Drive(IClusterClient client, int rate, TimeSpan duration, long firstId, Func<TimeSpan, Task>? at = null, TimeSpan? atTime = null)
    {
        const int Sources = 200;
        const int Targets = 50;
        var acked = new List<long>();
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        var fired = false;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                var id = firstId + sent;
                calls.Add(Send(client, id, (int)(id % Sources), $"t{id % Targets}", acked));
            }
            if (!fired && at is not null && clock.Elapsed >= atTime)
            {
                fired = true;
                calls.Add(at(clock.Elapsed));
            }
        }
        await Task.WhenAll(calls);
        return acked;
    }

    private static async Task Send(IClusterClient client, long id, int source, string target, List<long> acked)
    {
        // A call whose answer is lost is sent again with the same id: the event may then exist twice, as it would when
        // a real caller retries; consumers count by id.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var evt = new BenchEvent(id, Stopwatch.GetTimestamp(), $"00-{id:x32}-{id:x16}-01");
                await client.GetGrain<ISourceGrain>(source).Emit(evt, target);
                lock (acked)
                {
                    acked.Add(id);
                }
                return;
            }
            catch (Exception) when (attempt < 4)
            {
                await Task.Delay(500);
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private static async Task<bool> AwaitDelivery(IReadOnlyCollection<long> ids, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (ids.All(Deliveries.Has))
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

    private static async Task<int> Latency(Candidate candidate, Database database)
    {
        var rate = IntOpt("rate", 100);
        var seconds = IntOpt("seconds", 15);
        await using var cluster = Cluster(candidate, database, 1);
        await cluster.DeployAsync();
        var warm = await Drive(cluster.Client, rate, TimeSpan.FromSeconds(3), 0);
        await AwaitDelivery(warm, TimeSpan.FromSeconds(30));
        var before = await database.Written();
        Deliveries.Measuring = true;
        var acked = await Drive(cluster.Client, rate, TimeSpan.FromSeconds(seconds), 1_000_000);
        var all = await AwaitDelivery(acked, TimeSpan.FromSeconds(60));
        Deliveries.Measuring = false;
        // Deletions follow delivery by a cache bucket; let them land before counting what was written.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.StopAllSilosAsync();
        var after = await database.Written();
        var lat = Deliveries.Latencies();
        var e2e = Deliveries.EndToEnd();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"candidate={candidate.Name} signals={(candidate.Own ? Opt("signals", "off") : "n/a")} period={Opt("period", "100")}ms rate={rate}/s events={acked.Count} delivered={(all ? "all" : "NOT ALL")} commit->consumer p50={Pct(lat, 0.50):F1}ms p99={Pct(lat, 0.99):F1}ms max={Pct(lat, 1.0):F1}ms; request->consumer p50={Pct(e2e, 0.50):F1}ms p99={Pct(e2e, 0.99):F1}ms; dup={Deliveries.Duplicates} load={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Console.WriteLine(after.Minus(before).PerEvent(acked.Count));
        return all ? 0 : 1;
    }

    private static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task<int> Idle(Candidate candidate, Database database)
    {
        var seconds = IntOpt("seconds", 30);
        await using var cluster = Cluster(candidate, database, 1);
        await cluster.DeployAsync();
        await Task.Delay(TimeSpan.FromSeconds(12));
        var before = await database.Activity();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = await database.Activity();
        await cluster.StopAllSilosAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"candidate={candidate.Name} signals={(candidate.Own ? Opt("signals", "off") : "n/a")} period={Opt("period", "100")}ms queues={Opt("queues", "8")} silos=1 at rest: commands/s={(after.Commands - before.Commands) / (double)seconds:F1} server transactions/s={(after.Transactions - before.Transactions) / (double)seconds:F1}"));
        return 0;
    }

    private static async Task<int> Linger(Candidate candidate, Database database)
    {
        var seconds = IntOpt("seconds", 150);
        await using var cluster = Cluster(candidate, database, 1);
        await cluster.DeployAsync();
        var acked = await Drive(cluster.Client, 20, TimeSpan.FromSeconds(10), 0);
        var all = await AwaitDelivery(acked, TimeSpan.FromSeconds(30));
        var stored = await database.Pending();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"candidate={candidate.Name} linger: events={acked.Count} delivered={(all ? "all" : "NOT ALL")} stored after delivery={stored} duplicates={Deliveries.Duplicates}"));
        for (var waited = 0; waited < seconds; waited += 30)
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            var (now, dead) = (await database.Pending(), await database.DeadLetters());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"candidate={candidate.Name} linger: +{waited + 30}s stored={now} dead letters={dead} duplicates={Deliveries.Duplicates}"));
        }
        await cluster.StopAllSilosAsync();
        return 0;
    }

    private static async Task<int> Kill(Candidate candidate, Database database)
    {
        var rate = IntOpt("rate", 500);
        await using var cluster = Cluster(candidate, database, 2);
        await cluster.DeployAsync();
        var warm = await Drive(cluster.Client, 50, TimeSpan.FromSeconds(2), 0);
        await AwaitDelivery(warm, TimeSpan.FromSeconds(30));
        var victim = cluster.Silos[1];
        long pendingAtKill = -1;
        var killed = Stopwatch.StartNew();
        var acked = await Drive(cluster.Client, rate, TimeSpan.FromSeconds(8), 1_000_000, async _ =>
        {
            await cluster.KillSiloAsync(victim);
            killed.Restart();
            pendingAtKill = await database.Pending();
        }, TimeSpan.FromSeconds(3));
        var all = await AwaitDelivery(acked, TimeSpan.FromSeconds(180));
        var recovered = killed.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var missing = acked.Count(id => !Deliveries.Has(id));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"candidate={candidate.Name} signals={(candidate.Own ? Opt("signals", "off") : "n/a")} kill: acknowledged={acked.Count} delivered={acked.Count - missing} missing={missing} duplicate deliveries={Deliveries.Duplicates} stored-undeleted at kill={pendingAtKill} all delivered {recovered.TotalSeconds:F1}s after the kill ({(all ? "all" : "NOT ALL")})"));
        await cluster.StopAllSilosAsync();
        return missing == 0 ? 0 : 1;
    }
}

/// <summary>Rows and bytes written, read from the database (PostgreSQL statistics; SQLite's WAL, never checkpointed during a run).</summary>
internal sealed record Written(long Inserted, long Updated, long Deleted, long Bytes, string BytesSource)
{
    public string RowBytes { get; init; } = "";

    public Written Minus(Written o) => new(Inserted - o.Inserted, Updated - o.Updated, Deleted - o.Deleted, Bytes - o.Bytes, BytesSource) { RowBytes = RowBytes };

    public string PerEvent(int events) => string.Create(CultureInfo.InvariantCulture,
        $"per event: inserted={Inserted / (double)events:F2} updated={Updated / (double)events:F2} deleted={Deleted / (double)events:F2} rows, {Bytes / (double)events:F0} bytes of {BytesSource} {RowBytes}");
}

internal sealed record Activity(long Commands, long Transactions);

/// <summary>A fresh database per run: a new PostgreSQL database, or a new SQLite file in WAL mode.</summary>
internal sealed class Database : IAsyncDisposable
{
    private readonly string _server;
    private readonly string? _name;
    private readonly string? _sqlitePath;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;
    private bool _adoNet;

    private Database(string server, string? name, string? sqlitePath, NpgsqlDataSource? dataSource, EventTable table, string connectionString)
    {
        _server = server;
        _name = name;
        _sqlitePath = sqlitePath;
        _dataSource = dataSource;
        Table = table;
        ConnectionString = connectionString;
    }

    public EventTable Table { get; }

    public string ConnectionString { get; }

    public static async Task<Database> Create(Candidate candidate, string server, string adoNetScript, bool signals)
    {
        if (candidate.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"eventpath-{Guid.NewGuid():N}.db");
            var sqlite = new SqliteEventTable(path) { Signals = signals };
            await sqlite.CreateSchema();
            return new Database(server, null, path, null, sqlite, path);
        }
        var name = $"eventpath_{candidate.Name.Replace('-', '_')}_{Environment.ProcessId}";
        await using (var admin = NpgsqlDataSource.Create(server + ";Database=postgres"))
        {
            await admin.CreateCommand($"DROP DATABASE IF EXISTS {name}").ExecuteNonQueryAsync();
            await admin.CreateCommand($"CREATE DATABASE {name}").ExecuteNonQueryAsync();
        }
        var connectionString = $"{server};Database={name};Maximum Pool Size=200";
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var table = new PostgresEventTable(dataSource) { Signals = signals };
        await table.CreateSchema();
        if (candidate.AdoNet)
        {
            // The provider ships no SQL in its package: its script is run as published in its repository.
            await dataSource.CreateCommand("CREATE TABLE OrleansQuery (QueryKey varchar(64) NOT NULL PRIMARY KEY, QueryText text NOT NULL)").ExecuteNonQueryAsync();
            await dataSource.CreateCommand(await File.ReadAllTextAsync(adoNetScript)).ExecuteNonQueryAsync();
        }
        var database = new Database(server, name, null, dataSource, table, connectionString) { _adoNet = candidate.AdoNet };
        if (signals)
        {
            database._listening = table.Listen(connectionString, database._stop.Token);
        }
        return database;
    }

    public async Task<Written> Written()
    {
        if (_sqlitePath is not null)
        {
            var wal = new FileInfo(_sqlitePath + "-wal");
            await using var connection = new SqliteConnection($"Data Source={_sqlitePath}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'stream_event'), (SELECT count(*) FROM stream_event), (SELECT coalesce(sum(version), 0) FROM grain_state)";
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            // Inserted events = the highest seq ever handed out (AUTOINCREMENT never reuses), deleted = inserted - still stored.
            var inserted = reader.GetInt64(0);
            var stored = reader.GetInt64(1);
            var stateWrites = reader.GetInt64(2);
            return new Written(inserted, stateWrites, inserted - stored, wal.Exists ? wal.Length : 0, "SQLite WAL (pages of 4 KB + 24 B frame headers)");
        }
        // Table statistics reach the server's view when a backend reports (at most every second, idle ones after ~10 s).
        await Task.Delay(TimeSpan.FromSeconds(11));
        await using var stats = _dataSource!.CreateCommand("""
            SELECT coalesce(sum(n_tup_ins), 0)::bigint, coalesce(sum(n_tup_upd), 0)::bigint, coalesce(sum(n_tup_del), 0)::bigint,
                   (SELECT wal_bytes FROM pg_stat_wal)::bigint
            FROM pg_stat_user_tables
            """);
        await using var r = await stats.ExecuteReaderAsync();
        await r.ReadAsync();
        return new Written(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), "PostgreSQL WAL (whole server: other databases' writes included)")
        {
            RowBytes = await RowSize(),
        };
    }

    /// <summary>The average stored size of an event row still in the table (the cache deletes in buckets, so some remain).</summary>
    private async Task<string> RowSize()
    {
        var table = _adoNet ? "OrleansStreamMessage" : "stream_event";
        await using var command = _dataSource!.CreateCommand($"SELECT coalesce(avg(pg_column_size(t.*)), 0)::int, count(*) FROM {table} t");
        await using var r = await command.ExecuteReaderAsync();
        await r.ReadAsync();
        return string.Create(CultureInfo.InvariantCulture, $"event row {r.GetInt32(0)} B (+24 B tuple header, +1 index entry per index: {(_adoNet ? "primary key" : "primary key, (queue, seq)")}; {r.GetInt64(1)} rows sampled)");
    }

    /// <summary>Events committed and not yet deleted (confirmed), in the candidate's own table.</summary>
    public async Task<long> Pending() => _adoNet
        ? (long)(await _dataSource!.CreateCommand("SELECT count(*) FROM OrleansStreamMessage").ExecuteScalarAsync())!
        : await Table.Pending();

    /// <summary>Messages the ADO.NET provider gave up on (moved to its dead-letter table).</summary>
    public async Task<long> DeadLetters() => _adoNet
        ? (long)(await _dataSource!.CreateCommand("SELECT count(*) FROM OrleansStreamDeadLetter").ExecuteScalarAsync())!
        : 0;

    public async Task<Activity> Activity()
    {
        long transactions = 0;
        if (_name is not null)
        {
            // Read from another database, so the reading adds nothing to the count.
            await using var admin = NpgsqlDataSource.Create(_server + ";Database=postgres");
            await using var command = admin.CreateCommand($"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{_name}'");
            transactions = (long)(await command.ExecuteScalarAsync())!;
        }
        return new Activity(Table.Commands, transactions);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening;
        _stop.Dispose();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(_server + ";Database=postgres");
            await admin.CreateCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)").ExecuteNonQueryAsync();
        }
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }
    }
}
