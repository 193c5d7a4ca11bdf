using System.Runtime.Versioning;
using GridActors.Silo.Storage;
using GridActors.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GridActors.Tests.Storage;

/// <summary>
/// The embedded profile's data is its owner's only: another local user must not read a member's phone from the
/// database or its WAL.
/// </summary>
[UnsupportedOSPlatform("windows")] // file modes are a Unix notion; on Windows the folder's ACL inherits its parent's
public sealed class DataDirectoryPermissionTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_gateway_on_sqlite_keeps_its_folder_0700_and_the_database_wal_and_shm_0600_after_writes()
    {
        var app = GatewayApp.OnSqlite();
        var directory = app.Settings["Storage:DataDirectory"]!;
        try
        {
            var admin = app.Start();
            await County.Create(admin); // a grid leader's name and phone: personal data, written through the WAL

            var database = Path.Combine(directory, StorageOptions.SqliteFileName);
            Assert.True(new FileInfo(database + "-wal").Length > 0, "the writes went through the WAL");
            Assert.True(File.Exists(database + "-shm"));
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                Assert.True(File.GetUnixFileMode(file) == OwnerOnlyFile, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
            }
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_folder_and_database_left_readable_are_narrowed_at_start_up_and_said_once()
    {
        var directory = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));
        var options = new StorageOptions { DataDirectory = directory };
        var database = Path.Combine(directory, StorageOptions.SqliteFileName);
        try
        {
            // As an earlier version left them: a folder 0755 and a database 0644.
            Directory.CreateDirectory(directory, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            await using (var connection = new SqliteConnection(options.ResolveConnectionString()))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE earlier (phone TEXT); INSERT INTO earlier VALUES ('13955612345');";
                await command.ExecuteNonQueryAsync();
            }
            SqliteConnection.ClearAllPools();
            File.SetUnixFileMode(database, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            var first = new CapturingLogger();
            await SchemaInstaller.InstallAsync(options, first);

            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(directory));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(database));
            var warnings = first.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToArray();
            Assert.Equal(2, warnings.Length);
            Assert.Contains(warnings, w => w.StartsWith(directory + " was readable by other users (mode 0755); narrowed to 0700", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.StartsWith(database + " was readable by other users (mode 0644); narrowed to 0600", StringComparison.Ordinal));

            var second = new CapturingLogger();
            await SchemaInstaller.InstallAsync(options, second);
            Assert.DoesNotContain(second.Entries, e => e.Level == LogLevel.Warning);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
