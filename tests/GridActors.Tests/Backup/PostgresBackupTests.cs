using System.Diagnostics;
using GridActors.Tests.Infrastructure;
using Npgsql;

namespace GridActors.Tests.Backup;

/// <summary>
/// Backup and restore of the cluster profile with pg_dump and pg_restore through the gateway's own executable. Needs the
/// server named by GRIDACTORS_TEST_POSTGRES: without it these tests fail, they never skip.
/// </summary>
public sealed class PostgresBackupTests
{
    [Fact]
    public async Task Backup_WhileTheServiceWrites_RestoredIntoAnEmptyDatabase_AnswersTheSameReads()
    {
        await using var sourceDatabase = await PostgresDatabase.CreateAsync();
        await using var targetDatabase = await PostgresDatabase.CreateAsync();
        var file = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N") + ".backup");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        BackupScenario scenario;
        Dictionary<string, string> before;
        string[] reportedBefore;
        var source = GatewayApp.OnPostgres(sourceDatabase.ConnectionString);
        await using (source)
        {
            var http = source.Start();
            scenario = await BackupScenario.Write(http);
            before = await scenario.Read(http);

            using var stop = new CancellationTokenSource();
            var (reporting, acknowledged) = BackupScenario.KeepReporting(http, stop.Token);
            await Eventually.Get(() => Task.FromResult(acknowledged.Count), n => n >= 3, "reports to be answered before the backup");
            reportedBefore = [.. acknowledged];
            var backup = await BackupCli.Run(BackupCli.Postgres(sourceDatabase.ConnectionString), "backup", "--to", file);
            var reportedDuring = acknowledged.Count - reportedBefore.Length;
            await stop.CancelAsync();
            await reporting;
            Assert.True(backup.ExitCode == 0, backup.ToString());
            Assert.True(reportedDuring > 0, "the service should have answered reports while the backup ran");

            BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Postgres(sourceDatabase.ConnectionString), "restore", "--from", file), "is not empty");
        }

        var restore = await BackupCli.Run(BackupCli.Postgres(targetDatabase.ConnectionString), "restore", "--from", file);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await using var again = GatewayApp.OnPostgres(targetDatabase.ConnectionString, source.Clock);
        var restored = again.Start();
        Assert.Equal(before, await scenario.Read(restored));
        foreach (var id in reportedBefore)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await restored.GetAsync($"/api/v1/issues/{id}")).StatusCode);
        }
    }
}

/// <summary>A stopped service's database with data, a good backup of it, and a pg_dump archive of another database.</summary>
public sealed class PostgresBackupFixture : IAsyncLifetime
{
    private PostgresDatabase? _source;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));

    public string Backup => Path.Combine(Root, "good.backup");

    public PostgresDatabase Source => _source!;

    public byte[] ForeignDump { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _source = await PostgresDatabase.CreateAsync();
        await using (var app = GatewayApp.OnPostgres(Source.ConnectionString))
        {
            await BackupScenario.Write(app.Start());
            var backup = await BackupCli.Run(BackupCli.Postgres(Source.ConnectionString), "backup", "--to", Backup);
            Assert.True(backup.ExitCode == 0, backup.ToString());
        }
        await using var other = await PostgresDatabase.CreateAsync();
        await PostgresRestoreRefusalTests.Execute(other.ConnectionString, "CREATE TABLE notes (id int PRIMARY KEY, text text); INSERT INTO notes VALUES (1, '买菜')");
        ForeignDump = await PgDump(other.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }
    }

    private static async Task<byte[]> PgDump(string connectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump", ["--format=custom", "--no-password"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGDATABASE"] = connection.Database;
        if (connection.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        using var dump = Process.Start(start)!;
        using var bytes = new MemoryStream();
        var errors = dump.StandardError.ReadToEndAsync();
        await dump.StandardOutput.BaseStream.CopyToAsync(bytes);
        await dump.WaitForExitAsync();
        Assert.True(dump.ExitCode == 0, await errors);
        return bytes.ToArray();
    }
}

/// <summary>A restore that cannot be trusted stops with one line and leaves the target database exactly as it was.</summary>
public sealed class PostgresRestoreRefusalTests(PostgresBackupFixture fixture) : IClassFixture<PostgresBackupFixture>
{
    [Theory]
    [InlineData("truncated", "cut short")]
    [InlineData("corrupted", "does not match its checksum")]
    [InlineData("foreign-bare", "is a bare pg_dump archive, not a GridActors backup")]
    [InlineData("foreign-wrapped", "is not of a GridActors database")]
    public async Task Restore_OfADamagedOrForeignBackup_StopsWithOneLine_AndChangesNothing(string kind, string reason)
    {
        var bad = BackupCli.Damage(fixture.Backup, kind, fixture.Root, fixture.ForeignDump, fixture.ForeignDump);

        await using (var empty = await PostgresDatabase.CreateAsync())
        {
            BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Postgres(empty.ConnectionString), "restore", "--from", bad), reason);
            Assert.Equal("0", await Contents(empty.ConnectionString));
        }

        var before = await Contents(fixture.Source.ConnectionString);
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Postgres(fixture.Source.ConnectionString), "restore", "--from", bad), reason);
        Assert.Equal(before, await Contents(fixture.Source.ConnectionString));
    }

    [Fact]
    public async Task Restore_OfAnotherServicesBackup_StopsWithOneLine_AndChangesNothing()
    {
        await using var empty = await PostgresDatabase.CreateAsync();
        var outcome = await BackupCli.Run(BackupCli.Postgres(empty.ConnectionString, serviceId: "another-county"), "restore", "--from", fixture.Backup);
        BackupCli.AssertRefused(outcome, "is a backup of service 'gridactors' and this service is 'another-county'");
        Assert.Equal("0", await Contents(empty.ConnectionString));
    }

    [Fact]
    public async Task Restore_OfAnEmbeddedProfileBackup_IntoTheClusterProfile_StopsWithOneLine()
    {
        await using var empty = await PostgresDatabase.CreateAsync();
        var sqlite = Path.Combine(fixture.Root, "sqlite-" + Guid.NewGuid().ToString("N") + ".backup");
        var bytes = await File.ReadAllBytesAsync(fixture.Backup);
        var text = System.Text.Encoding.ASCII.GetBytes("\"profile\":\"sqlite\"    ");
        var at = bytes.AsSpan().IndexOf("\"profile\":\"postgresql\""u8);
        text.CopyTo(bytes, at);
        await File.WriteAllBytesAsync(sqlite, bytes);
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Postgres(empty.ConnectionString), "restore", "--from", sqlite), "is a backup of the embedded profile (SQLite)");
        Assert.Equal("0", await Contents(empty.ConnectionString));
    }

    /// <summary>The database's tables with their row counts (or "0" when it has none): what a refused restore must not change.</summary>
    private static async Task<string> Contents(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        if (tables.Count == 0)
        {
            return "0";
        }
        var counts = new List<string>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            counts.Add($"{table}={await count.ExecuteScalarAsync()}");
        }
        return string.Join(",", counts);
    }

    internal static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
