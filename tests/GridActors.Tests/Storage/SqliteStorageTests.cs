using System.Data.Common;
using System.Text.Json;
using GridActors.Grains.Infrastructure;
using GridActors.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace GridActors.Tests.Storage;

/// <summary>The embedded profile: each test gets its own temporary data directory.</summary>
public sealed class SqliteStorageTests : StorageProfileTests
{
    protected override IReadOnlyCollection<string> ExpectedQueryKeys => [.. ReminderKeys];

    protected override Task<StorageTarget> CreateTargetAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
        };
        return Task.FromResult(new StorageTarget(settings, () =>
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            return ValueTask.CompletedTask;
        }));
    }

    protected override async Task<IReadOnlyList<string>> ReadQueryKeysAsync(StorageTarget target)
    {
        await using var connection = new SqliteConnection(target.Options.ResolveConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery";
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    [Fact]
    public async Task The_database_file_is_created_in_the_data_directory_in_WAL_mode()
    {
        await using var target = await CreateTargetAsync();
        var options = target.Options;
        Assert.False(Directory.Exists(options.DataDirectory));

        await SchemaInstaller.InstallAsync(options, NullLogger.Instance);

        var file = Path.Combine(options.DataDirectory, StorageOptions.SqliteFileName);
        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection(options.ResolveConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Providers_share_the_tuned_data_source_and_state_is_stored_as_json()
    {
        await using var target = await CreateTargetAsync();
        var cluster = await target.StartClusterAsync(NewServiceId());
        await using (cluster)
        {
            var services = cluster.GetSiloServiceProvider();
            Assert.IsType<GroupCommitGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains));
            var reminders = services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;
            var dataSource = Assert.IsType<SqliteTunedDataSource>(services.GetRequiredKeyedService<DbDataSource>(StorageSiloBuilderExtensions.DataSourceKey));
            Assert.Same(dataSource, reminders.DataSource);

            // Every connection it opens waits for locks inside SQLite and syncs less often (WAL).
            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                Assert.Equal((long)SqliteTunedDataSource.BusyTimeout.TotalMilliseconds, await ScalarAsync(connection, "PRAGMA busy_timeout"));
                Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // 1 = NORMAL
            }

            await cluster.Client.GetGrain<IStorageProbeGrain>("json").SetValue("县");
            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                var payload = (byte[]?)await ScalarAsync(connection, "SELECT payload FROM grain_states WHERE state_name = 'storage-probe'");
                Assert.NotNull(payload);
                using var json = JsonDocument.Parse(payload);
                Assert.Equal("县", json.RootElement.GetProperty("Value").GetString());
                Assert.Equal(1, json.RootElement.GetProperty("Writes").GetInt32());
            }

            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task An_unusable_data_directory_gives_one_line_naming_the_path_and_the_setting()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            var options = new StorageOptions { DataDirectory = Path.Combine(blocker, "data") };

            var failure = await Assert.ThrowsAsync<StorageUnavailableException>(
                () => SchemaInstaller.InstallAsync(options, NullLogger.Instance));

            Assert.Contains(blocker, failure.Message, StringComparison.Ordinal);
            Assert.Contains("Storage:DataDirectory", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Storage__DataDirectory", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', failure.Message);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
