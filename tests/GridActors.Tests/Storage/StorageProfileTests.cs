using GridActors.Grains.Infrastructure;
using GridActors.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GridActors.Tests.Storage;

/// <summary>
/// What both storage profiles must do, run once per profile by the derived classes: state and
/// reminders survive a restart, stale writes fail, the schema install is repeatable, and the
/// reminder range queries honour Orleans' signed-hash contract.
/// </summary>
public abstract class StorageProfileTests
{
    /// <summary>A fresh, empty storage for one test.</summary>
    protected abstract Task<StorageTarget> CreateTargetAsync();

    /// <summary>The keys present in the OrleansQuery table of <paramref name="target"/>.</summary>
    protected abstract Task<IReadOnlyList<string>> ReadQueryKeysAsync(StorageTarget target);

    /// <summary>The catalogue keys this profile's providers need.</summary>
    protected abstract IReadOnlyCollection<string> ExpectedQueryKeys { get; }

    protected static readonly string[] ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task State_written_before_a_restart_is_read_back_by_a_new_cluster()
    {
        await using var target = await CreateTargetAsync();
        var serviceId = NewServiceId();

        var first = await target.StartClusterAsync(serviceId);
        await using (first)
        {
            var probe = first.Client.GetGrain<IStorageProbeGrain>("restart");
            await probe.SetValue("one");
            await probe.SetValue("two");
            Assert.Equal("2", await probe.GetETag());
            await first.StopAllSilosAsync();
        }

        var second = await target.StartClusterAsync(serviceId);
        await using (second)
        {
            var probe = second.Client.GetGrain<IStorageProbeGrain>("restart");
            Assert.Equal("two", await probe.GetValue());
            Assert.Equal("2", await probe.GetETag());

            // The row belongs to the service id: another service on the same database starts empty.
            var storage = GrainStorage(second);
            var state = new GrainState<StorageProbeState>(new StorageProbeState());
            await storage.ReadStateAsync(StorageProbeGrain.StateName, await probe.GetId(), state);
            Assert.Equal("two", state.State!.Value);
            Assert.True(state.RecordExists);
            await second.StopAllSilosAsync();
        }

        var other = await target.StartClusterAsync(NewServiceId());
        await using (other)
        {
            Assert.Null(await other.Client.GetGrain<IStorageProbeGrain>("restart").GetValue());
            await other.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task A_stale_write_is_rejected_and_the_newer_state_kept()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var storage = GrainStorage(cluster);
            const string StateName = "stale-probe";
            var id = GrainId.Create("stale-probe", "k1");

            var mine = new GrainState<StorageProbeState>(new StorageProbeState { Value = "first" });
            await storage.WriteStateAsync(StateName, id, mine);
            Assert.Equal("1", mine.ETag);
            var stale = new GrainState<StorageProbeState>(new StorageProbeState { Value = "stale" }, mine.ETag);

            mine.State!.Value = "second";
            await storage.WriteStateAsync(StateName, id, mine);
            Assert.Equal("2", mine.ETag);

            // Writing or clearing with version 1 after version 2 exists must fail, and so must a
            // "first write" (no ETag) over an existing row (a second activation that never read).
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, stale));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, id, stale));
            var blind = new GrainState<StorageProbeState>(new StorageProbeState { Value = "blind" });
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, blind));

            var read = new GrainState<StorageProbeState>(new StorageProbeState());
            await storage.ReadStateAsync(StateName, id, read);
            Assert.Equal("second", read.State!.Value);
            Assert.Equal("2", read.ETag);

            // Clear keeps the row with a new version and no payload; the holder of that version can write again.
            await storage.ClearStateAsync(StateName, id, read);
            Assert.Equal("3", read.ETag);
            var afterClear = new GrainState<StorageProbeState>(new StorageProbeState());
            await storage.ReadStateAsync(StateName, id, afterClear);
            Assert.False(afterClear.RecordExists);
            Assert.Equal("3", afterClear.ETag);
            afterClear.State!.Value = "reborn";
            await storage.WriteStateAsync(StateName, id, afterClear);
            Assert.Equal("4", afterClear.ETag);

            // Through a grain: someone else writes behind the activation's back; its next write
            // throws InconsistentStateException, and a new activation reads the newer state.
            var probe = cluster.Client.GetGrain<IStorageProbeGrain>("stale");
            await probe.SetValue("grain-v1");
            var probeId = await probe.GetId();
            var intruder = new GrainState<StorageProbeState>(new StorageProbeState());
            await storage.ReadStateAsync(StorageProbeGrain.StateName, probeId, intruder);
            intruder.State!.Value = "intruder";
            await storage.WriteStateAsync(StorageProbeGrain.StateName, probeId, intruder);

            await Assert.ThrowsAsync<InconsistentStateException>(() => probe.SetValue("grain-v2"));
            Assert.Equal("intruder", await probe.GetValue());
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Writes_in_flight_together_are_committed_together_and_a_stale_one_fails_alone()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var storage = GrainStorage(cluster);
            const string StateName = "batch-probe";
            var staleId = GrainId.Create("batch-probe", "stale");
            var current = new GrainState<StorageProbeState>(new StorageProbeState { Value = "v1" });
            await storage.WriteStateAsync(StateName, staleId, current);
            var stale = new GrainState<StorageProbeState>(new StorageProbeState { Value = "stale" }, current.ETag);
            current.State!.Value = "v2";
            await storage.WriteStateAsync(StateName, staleId, current);

            // 300 grains write at once (they share batches), one of them with a version that is no longer current.
            var fresh = Enumerable.Range(0, 300)
                .Select(i => (Id: GrainId.Create("batch-probe", $"k{i}"), State: new GrainState<StorageProbeState>(new StorageProbeState { Value = $"value {i}" })))
                .ToList();
            var writes = fresh.Select(f => storage.WriteStateAsync(StateName, f.Id, f.State)).ToList();
            var staleWrite = storage.WriteStateAsync(StateName, staleId, stale);
            await Task.WhenAll(writes);
            await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);

            var reads = fresh.Select(async f =>
            {
                var read = new GrainState<StorageProbeState>(new StorageProbeState());
                await storage.ReadStateAsync(StateName, f.Id, read);
                return (f.State.State!.Value, Read: read);
            }).ToList();
            foreach (var (written, read) in await Task.WhenAll(reads))
            {
                Assert.True(read.RecordExists);
                Assert.Equal("1", read.ETag);
                Assert.Equal(written, read.State!.Value);
            }
            var kept = new GrainState<StorageProbeState>(new StorageProbeState());
            await storage.ReadStateAsync(StateName, staleId, kept);
            Assert.Equal(("v2", "2"), (kept.State!.Value, kept.ETag));
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Rows_are_read_by_prefix_and_written_all_or_nothing()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var rows = (IGrainStateRows)GrainStorage(cluster);
            var grain = GrainId.Create("rows-probe", "a");
            var other = GrainId.Create("rows-probe", "b");
            var v1 = await rows.Write(grain, [
                new RowWrite("queue", null, rows.Serialize("head")),
                new RowWrite("queue/1", null, rows.Serialize("one")),
                new RowWrite("queue/2", null, rows.Serialize("two")),
                new RowWrite("queued", null, rows.Serialize("another name")),
                new RowWrite("q%ueue/3", null, rows.Serialize("a name with a LIKE wildcard")),
            ]);
            await rows.Write(other, [new RowWrite("queue/1", null, rows.Serialize("another grain"))]);
            Assert.Equal(["1", "1", "1", "1", "1"], v1);

            var read = await rows.ReadAll(grain, "queue/");
            Assert.Equal(["queue/1:one", "queue/2:two"],
                read.Select(r => $"{r.StateName}:{rows.Deserialize<string>(r.Payload!)}").Order());

            // One row at a stale version: nothing of the write lands, not even the rows that were current.
            var torn = rows.Write(grain, [
                new RowWrite("queue/1", "1", rows.Serialize("one, changed")),
                new RowWrite("queue/2", "7", rows.Serialize("two, from a stale activation")),
                new RowWrite("queue/4", null, rows.Serialize("four")),
            ]);
            await Assert.ThrowsAsync<InconsistentStateException>(() => torn);
            Assert.Equal(["queue/1:1:one", "queue/2:1:two"],
                (await rows.ReadAll(grain, "queue/")).Select(r => $"{r.StateName}:{r.ETag}:{rows.Deserialize<string>(r.Payload!)}").Order());

            // Cleared rows are listed without a payload, at their new version.
            Assert.Equal(["2", "2"], await rows.Write(grain, [new RowWrite("queue/1", "1", null), new RowWrite("queue/2", "1", rows.Serialize("two, changed"))]));
            Assert.Equal(["queue/1:2:", "queue/2:2:two, changed"],
                (await rows.ReadAll(grain, "queue/")).Select(r => $"{r.StateName}:{r.ETag}:{(r.Payload is null ? "" : rows.Deserialize<string>(r.Payload))}").Order());
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Rows_and_stream_events_of_one_write_commit_together_or_not_at_all()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var rows = (IGrainStateRows)GrainStorage(cluster);
            var grain = GrainId.Create("events-probe", "a");
            var other = GrainId.Create("events-probe", "b");
            var village = StreamId.Create(StreamNames.Escalations, "110101001001");
            var township = StreamId.Create(StreamNames.Escalations, "110101001");

            Assert.Equal(["1", "1"], await rows.Write(grain,
                [new RowWrite("issue", null, rows.Serialize("reported")), new RowWrite("issue/history", null, rows.Serialize("one"))],
                [], [new StreamAppend(village, "arrived at the village"), new StreamAppend(township, "seen by the township")]));

            // Written side by side (so they may share a batch and its transaction): a stale write of each kind and a
            // current one. Only the current one lands, with its event; the stale ones write neither rows nor events.
            var stale = rows.Write(grain, [new RowWrite("issue", null, rows.Serialize("from a second activation"))], [],
                [new StreamAppend(village, "stale, expected no row")]);
            var torn = rows.Write(grain,
                [new RowWrite("issue/history", "1", rows.Serialize("two")), new RowWrite("issue", "7", rows.Serialize("from an old version"))],
                [], [new StreamAppend(township, "stale, one row of two")]);
            var current = rows.Write(other, [new RowWrite("issue", null, rows.Serialize("another issue"))], [],
                [new StreamAppend(village, "another issue arrived")]);
            await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
            await Assert.ThrowsAsync<InconsistentStateException>(() => torn);
            Assert.Equal(["1"], await current);

            Assert.Equal(["issue/history:1:one", "issue:1:reported"],
                (await rows.ReadAll(grain, "issue")).Select(r => $"{r.StateName}:{r.ETag}:{rows.Deserialize<string>(r.Payload!)}").Order(StringComparer.Ordinal));
            Assert.Equal(
                [$"{village}:another issue arrived", $"{village}:arrived at the village", $"{township}:seen by the township"],
                (await StoredEvents(cluster)).Order(StringComparer.Ordinal));

            // Events alone (a stream's OnNextAsync) are stored too.
            var storage = (GroupCommitGrainStorage)GrainStorage(cluster);
            await storage.Append([new StreamAppend(township, "published alone")]);
            Assert.Contains($"{township}:published alone", await StoredEvents(cluster));
        }
    }

    [Fact]
    public async Task A_stream_event_whose_delivery_failed_is_kept_and_delivered_again()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            // A service id of its own, so the cluster's own pulling agents never read these rows: this receiver alone does.
            var services = cluster.GetSiloServiceProvider();
            var serializer = services.GetRequiredService<Orleans.Serialization.Serializer>();
            var dataSource = services.GetRequiredKeyedService<System.Data.Common.DbDataSource>(StorageSiloBuilderExtensions.DataSourceKey);
            var serviceId = NewServiceId();
            const long Queue = 3;
            var stream = StreamId.Create(StreamNames.Escalations, "110101001001");
            foreach (var text in new[] { "refused by its subscriber", "taken" })
            {
                await using var insert = dataSource.CreateCommand(
                    "INSERT INTO stream_event (service_id, queue_id, ns, key, payload, appended_at) VALUES (@service, @queue, @ns, @key, @payload, CURRENT_TIMESTAMP)");
                foreach (var (name, value) in new (string, object)[]
                    { ("service", serviceId), ("queue", Queue), ("ns", StreamNames.Escalations), ("key", "110101001001"), ("payload", serializer.SerializeToArray<object>(text)) })
                {
                    var parameter = insert.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value;
                    insert.Parameters.Add(parameter);
                }
                await insert.ExecuteNonQueryAsync();
            }
            var queues = new Silo.Streams.EventQueues(8);
            var sql = Silo.Streams.StreamEventSql.For(target.Options.Provider, dataSource, serviceId);
            var receiver = new Silo.Streams.EventQueueReceiver(Queue, sql, queues, serializer, TimeSpan.FromMinutes(1));
            var failures = new Silo.Streams.KeepFailedDeliveries(Queue, queues, NullLogger<Silo.Streams.KeepFailedDeliveries>.Instance);
            await receiver.Initialize(TimeSpan.FromSeconds(5));
#pragma warning disable CS0618 // Orleans 10.4 still calls the overloads without a cancellation token.
            var first = await receiver.GetQueueMessagesAsync(10);
            Assert.Equal(["refused by its subscriber", "taken"], first.Select(m => (string)((Silo.Streams.EventBatchContainer)m).Event));

            // The pulling agent gave up on the first event's subscriber, then reports both done with.
            await failures.OnDeliveryFailure(GuidId.GetNewGuidId(), StreamNames.Provider, stream, first[0].SequenceToken);
            await receiver.MessagesDeliveredAsync(first);

            // The delivered one is gone; the failed one is stored again and read again (no safety period needed: signalled).
            Assert.Equal([$"{stream}:refused by its subscriber"], await StoredEvents(dataSource, serializer, serviceId));
            var again = await receiver.GetQueueMessagesAsync(10);
            Assert.Equal(["refused by its subscriber"], again.Select(m => (string)((Silo.Streams.EventBatchContainer)m).Event));
            Assert.True(again[0].SequenceToken.CompareTo(first[1].SequenceToken) > 0);
            await receiver.MessagesDeliveredAsync(again);
#pragma warning restore CS0618
            Assert.Empty(await StoredEvents(dataSource, serializer, serviceId));
        }
    }

    private static async Task<List<string>> StoredEvents(System.Data.Common.DbDataSource dataSource, Orleans.Serialization.Serializer serializer, string serviceId)
    {
        await using var command = dataSource.CreateCommand("SELECT ns, key, payload FROM stream_event WHERE service_id = @service ORDER BY seq");
        var parameter = command.CreateParameter();
        parameter.ParameterName = "service";
        parameter.Value = serviceId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<string>();
        while (await reader.ReadAsync())
        {
            events.Add($"{StreamId.Create(reader.GetString(0), reader.GetString(1))}:{serializer.Deserialize<object>((byte[])reader.GetValue(2))}");
        }
        return events;
    }

    /// <summary>The events stored in <c>stream_event</c>, as "stream:event" (each event is a string here).</summary>
    private static async Task<List<string>> StoredEvents(InProcessTestCluster cluster)
    {
        var services = cluster.GetSiloServiceProvider();
        var serializer = services.GetRequiredService<Orleans.Serialization.Serializer>();
        var dataSource = services.GetRequiredKeyedService<System.Data.Common.DbDataSource>(StorageSiloBuilderExtensions.DataSourceKey);
        await using var command = dataSource.CreateCommand("SELECT ns, key, payload FROM stream_event ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<string>();
        while (await reader.ReadAsync())
        {
            var stream = StreamId.Create(reader.GetString(0), reader.GetString(1));
            events.Add($"{stream}:{serializer.Deserialize<object>((byte[])reader.GetValue(2))}");
        }
        return events;
    }

    [Fact]
    public async Task Schema_install_runs_twice_and_concurrently_without_error()
    {
        await using var target = await CreateTargetAsync();
        var options = target.Options;

        await SchemaInstaller.InstallAsync(options, NullLogger.Instance);
        await SchemaInstaller.InstallAsync(options, NullLogger.Instance);
        await Task.WhenAll(
            Task.Run(() => SchemaInstaller.InstallAsync(options, NullLogger.Instance)),
            Task.Run(() => SchemaInstaller.InstallAsync(options, NullLogger.Instance)));

        var keys = await ReadQueryKeysAsync(target);
        Assert.Equal(ExpectedQueryKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));

        // And a silo starts on the already-installed schema (its start-up hook installs once more).
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var probe = cluster.Client.GetGrain<IStorageProbeGrain>("after-install");
            await probe.SetValue("ok");
            Assert.Equal("ok", await probe.GetValue());
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task A_reminder_registered_before_a_restart_still_exists_after_it()
    {
        await using var target = await CreateTargetAsync();
        var serviceId = NewServiceId();
        var dueTime = TimeSpan.FromHours(1);
        var period = TimeSpan.FromHours(2);
        GrainId probeId;
        DateTime registeredAt;

        var first = await target.StartClusterAsync(serviceId);
        await using (first)
        {
            var probe = first.Client.GetGrain<IStorageProbeGrain>("reminder");
            probeId = await probe.GetId();
            registeredAt = DateTime.UtcNow;
            await probe.RegisterReminder("deadline", dueTime, period);
            Assert.True(await probe.HasReminder("deadline"));
            await first.StopAllSilosAsync();
        }

        var second = await target.StartClusterAsync(serviceId);
        await using (second)
        {
            var probe = second.Client.GetGrain<IStorageProbeGrain>("reminder");
            Assert.True(await probe.HasReminder("deadline"));
            Assert.False(await probe.HasReminder("never-registered"));

            // The stored schedule is intact: same period, and the first tick still one due time after
            // registration, in UTC (a time-zone slip would show as hours of difference).
            var row = await ReminderTable(second).ReadRow(probeId, "deadline");
            Assert.NotNull(row);
            Assert.Equal(period, row.Period);
            Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
            Assert.InRange(row.StartAt, registeredAt + dueTime - TimeSpan.FromMinutes(1), registeredAt + dueTime + TimeSpan.FromMinutes(1));
            await second.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Reminder_table_range_reads_match_the_unsigned_ring_and_deletes_check_the_version()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var table = ReminderTable(cluster);
            var startAt = new DateTime(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc);
            var entries = Enumerable.Range(0, 120)
                .Select(i => new ReminderEntry
                {
                    GrainId = GrainId.Create("range-probe", $"grid-{i}"),
                    ReminderName = "sweep",
                    StartAt = startAt,
                    Period = TimeSpan.FromMinutes(5),
                })
                .ToList();
            foreach (var entry in entries)
            {
                Assert.Equal("0", await table.UpsertRow(entry));
            }

            var hashes = entries.Select(e => e.GrainId.GetUniformHashCode()).ToList();
            uint[] bounds =
            [
                0, 1, 0x3FFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xBFFF_FFFF, 0xFFFF_FFFF,
                hashes[0], hashes[0] - 1, hashes[1], hashes[1] + 1, hashes[2],
            ];
            foreach (var begin in bounds)
            {
                foreach (var end in bounds)
                {
                    var expected = entries
                        .Where(e => InRing(e.GrainId.GetUniformHashCode(), begin, end))
                        .Select(e => e.GrainId.ToString())
                        .Order(StringComparer.Ordinal)
                        .ToList();
                    var actual = (await table.ReadRows(begin, end)).Reminders
                        .Select(e => e.GrainId.ToString())
                        .Order(StringComparer.Ordinal)
                        .ToList();
                    Assert.True(expected.SequenceEqual(actual), $"range ({begin:X8}, {end:X8}]: expected {expected.Count} reminders, got {actual.Count}");
                }
            }

            // Re-registering bumps the version; a delete with the old version fails, the current one succeeds.
            var one = entries[7];
            var reread = await table.ReadRow(one.GrainId, "sweep");
            Assert.NotNull(reread);
            Assert.Equal(startAt, reread.StartAt);
            Assert.Equal(TimeSpan.FromMinutes(5), reread.Period);
            Assert.Equal("1", await table.UpsertRow(one));
            Assert.False(await table.RemoveRow(one.GrainId, "sweep", "0"));
            Assert.True(await table.RemoveRow(one.GrainId, "sweep", "1"));
            Assert.False(await table.RemoveRow(one.GrainId, "sweep", "1"));
            Assert.Null(await table.ReadRow(one.GrainId, "sweep"));
            Assert.Empty((await table.ReadRows(one.GrainId)).Reminders);
            Assert.Single((await table.ReadRows(entries[8].GrainId)).Reminders);
            await cluster.StopAllSilosAsync();
        }
    }

    protected static string NewServiceId() => "test-" + Guid.NewGuid().ToString("N")[..10];

    protected static IGrainStorage GrainStorage(InProcessTestCluster cluster) =>
        cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);

    protected static IReminderTable ReminderTable(InProcessTestCluster cluster) =>
        cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();

    // Orleans' ring ranges are (begin, end] on unsigned hashes, wrapping past 0xFFFFFFFF; begin == end is the whole ring.
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
