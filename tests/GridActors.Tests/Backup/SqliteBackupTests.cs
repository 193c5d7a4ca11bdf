using System.Net;
using GridActors.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace GridActors.Tests.Backup;

/// <summary>Backup and restore of the embedded profile with the gateway's own executable, while the service runs.</summary>
public sealed class SqliteBackupTests
{
    [Fact]
    public async Task Backup_WhileTheServiceRunsAndWrites_RestoredIntoAFreshFolder_AnswersTheSameReads()
    {
        var root = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));
        var source = Path.Combine(root, "source");
        var restored = Path.Combine(root, "restored");
        var file = Path.Combine(root, "gridactors.backup");
        Directory.CreateDirectory(root);
        BackupScenario scenario;
        Dictionary<string, string> before;
        string[] reportedBefore;
        await using (var gateway = await GatewayProcess.StartAsync(source))
        {
            scenario = await BackupScenario.Write(gateway.Http);
            before = await scenario.Read(gateway.Http);

            using var stop = new CancellationTokenSource();
            var (reporting, acknowledged) = BackupScenario.KeepReporting(gateway.Http, stop.Token);
            await Eventually.Get(() => Task.FromResult(acknowledged.Count), n => n >= 3, "reports to be answered before the backup");
            reportedBefore = [.. acknowledged];
            var backup = await BackupCli.Run(BackupCli.Sqlite(source), "backup", "--to", file);
            var reportedDuring = acknowledged.Count - reportedBefore.Length;
            await stop.CancelAsync();
            await reporting;
            Assert.True(backup.ExitCode == 0, backup.ToString());
            Assert.True(reportedDuring > 0, "the service should have answered reports while the backup ran");
            if (!OperatingSystem.IsWindows())
            {
                // It holds members' phones and reporters' names, like the data folder.
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            // The service still runs on its folder: a restore there is refused, whatever the folder holds.
            BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Sqlite(source), "restore", "--from", file), "is in use");
        }

        var restore = await BackupCli.Run(BackupCli.Sqlite(restored), "restore", "--from", file);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await using var again = await GatewayProcess.StartAsync(restored);
        Assert.Equal(before, await scenario.Read(again.Http));
        foreach (var id in reportedBefore)
        {
            Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync($"/api/v1/issues/{id}")).StatusCode);
        }
    }
}

/// <summary>A stopped service's data folder with data, a good backup of it, and another application's SQLite file.</summary>
public sealed class SqliteBackupFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));

    public string Data => Path.Combine(Root, "data");

    public string Backup => Path.Combine(Root, "good.backup");

    public byte[] ForeignDatabase { get; private set; } = [];

    /// <summary>Another application's database packed as a backup's data is (a tar holding gridactors.db).</summary>
    public byte[] ForeignArchive { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        await using (var gateway = await GatewayProcess.StartAsync(Data))
        {
            await BackupScenario.Write(gateway.Http);
            var backup = await BackupCli.Run(BackupCli.Sqlite(Data), "backup", "--to", Backup);
            Assert.True(backup.ExitCode == 0, backup.ToString());
        }
        var notes = Path.Combine(Root, "notes.db");
        using (var connection = new SqliteConnection($"Data Source={notes};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('买菜')";
            command.ExecuteNonQuery();
        }
        ForeignDatabase = await File.ReadAllBytesAsync(notes);
        using var archive = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(archive, leaveOpen: true))
        {
            await writer.WriteEntryAsync(notes, "gridactors.db");
        }
        ForeignArchive = archive.ToArray();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>A restore that cannot be trusted stops with one line and leaves the target exactly as it was.</summary>
public sealed class SqliteRestoreRefusalTests(SqliteBackupFixture fixture) : IClassFixture<SqliteBackupFixture>
{
    [Theory]
    [InlineData("truncated", "cut short")]
    [InlineData("corrupted", "does not match its checksum")]
    [InlineData("foreign-bare", "is a bare SQLite database, not a GridActors backup")]
    [InlineData("foreign-wrapped", "is not a GridActors database")]
    public async Task Restore_OfADamagedOrForeignBackup_StopsWithOneLine_AndChangesNothing(string kind, string reason)
    {
        var bad = BackupCli.Damage(fixture.Backup, kind, fixture.Root, fixture.ForeignDatabase, fixture.ForeignArchive);

        var fresh = Path.Combine(fixture.Root, "fresh-" + Guid.NewGuid().ToString("N"));
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Sqlite(fresh), "restore", "--from", bad), reason);
        Assert.False(Directory.Exists(fresh), "a refused restore left a data folder behind");

        var before = BackupCli.Snapshot(fixture.Data);
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Sqlite(fixture.Data), "restore", "--from", bad), reason);
        Assert.Equal(before, BackupCli.Snapshot(fixture.Data));
    }

    [Fact]
    public async Task Restore_OfAnotherServicesBackup_StopsWithOneLine_AndCreatesNothing()
    {
        var fresh = Path.Combine(fixture.Root, "fresh-" + Guid.NewGuid().ToString("N"));
        var outcome = await BackupCli.Run(BackupCli.Sqlite(fresh, serviceId: "another-county"), "restore", "--from", fixture.Backup);
        BackupCli.AssertRefused(outcome, "is a backup of service 'gridactors' and this service is 'another-county'");
        Assert.False(Directory.Exists(fresh));
    }

    [Fact]
    public async Task Restore_IntoAFolderThatHoldsData_StopsWithOneLine_AndChangesNothing()
    {
        var before = BackupCli.Snapshot(fixture.Data);
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Sqlite(fixture.Data), "restore", "--from", fixture.Backup), "already holds data");
        Assert.Equal(before, BackupCli.Snapshot(fixture.Data));
    }

    [Fact]
    public async Task Backup_ToAFileThatExists_StopsWithOneLine_AndLeavesTheFile()
    {
        var existing = Path.Combine(fixture.Root, "existing-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(existing, "kept");
        BackupCli.AssertRefused(await BackupCli.Run(BackupCli.Sqlite(fixture.Data), "backup", "--to", existing), "already exists");
        Assert.Equal("kept", await File.ReadAllTextAsync(existing));
    }
}
