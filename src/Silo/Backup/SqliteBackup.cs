using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GridActors.Silo.Storage;
using Microsoft.Data.Sqlite;

namespace GridActors.Silo.Backup;

/// <summary>
/// Backup and restore of the embedded profile's SQLite database. The backup runs from a process of its own while the
/// service runs and writes: SQLite's online backup (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>,
/// which copies every page in one step inside one read transaction) sees one committed moment of the database, the
/// write-ahead log included, and in WAL mode the service's writers do not wait for it. It was chosen over
/// <c>VACUUM INTO</c>, which also sees one moment but rebuilds every table and index: about as fast on the same database
/// (docs/operations.md has both measured), while the copied pages are the database exactly as the service had it.
/// </summary>
internal static partial class SqliteBackup
{
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    public static async Task<BackupHeader> BackupAsync(StorageOptions options, string to, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = options.SqliteFilePath();
        if (!File.Exists(source) || new FileInfo(source).Length == 0)
        {
            throw new BackupRefusedException($"Backup refused: there is no database at '{source}'; check Storage:DataDirectory (environment variable Storage__DataDirectory).");
        }
        var takenAt = time.GetUtcNow();
        var pages = to + ".db-partial";
        File.Delete(pages);
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadWrite))
            {
                // The running service holds the write lock in turns; a read waits for it instead of failing.
                Execute(from, "PRAGMA busy_timeout = 10000");
                if (!HasTable(from, "grain_states"))
                {
                    throw new BackupRefusedException($"Backup refused: '{source}' is not a GridActors database (it has no table grain_states).");
                }
                using (BackupFile.CreatePrivate(pages))
                {
                    // Created empty and 0600 here: SQLite then writes into it, keeping its mode.
                }
                using var into = Open(pages, SqliteOpenMode.ReadWrite);
                from.BackupDatabase(into);
                // The copy carries the source's WAL mode in its header; a backup is one file on its own.
                Execute(into, "PRAGMA journal_mode = DELETE");
            }
            await using var output = BackupFile.CreatePrivate(to + ".partial");
            BackupFile.WritePlaceholder(output);
            string sha;
            long length;
            await using (var hashing = new HashingStream(output))
            {
                await using (var archive = new TarWriter(hashing, TarEntryFormat.Pax, leaveOpen: true))
                {
                    await archive.WriteEntryAsync(pages, DatabaseEntry, cancellationToken).ConfigureAwait(false);
                    // Evidence files are never changed once stored (named by their SHA-256), so they are read after the
                    // database's moment: those stored since come along as extra files no row names.
                    foreach (var (path, entry) in EvidenceFiles(options.DataDirectory))
                    {
                        await archive.WriteEntryAsync(path, entry, cancellationToken).ConfigureAwait(false);
                    }
                }
                (sha, length) = hashing.Finish();
            }
            var header = new BackupHeader("sqlite", options.ServiceId, takenAt, length, sha);
            BackupFile.WriteHeader(output, header);
            output.Flush(flushToDisk: true);
            await output.DisposeAsync().ConfigureAwait(false);
            File.Move(to + ".partial", to);
            return header;
        }
        finally
        {
            File.Delete(pages);
            File.Delete(to + ".partial");
        }
    }

    /// <summary>
    /// Puts the payload of a checked backup in place as the configured database. The service must be stopped and the
    /// database absent or holding no data; nothing in the data folder changes until the backup is checked whole.
    /// </summary>
    public static async Task RestoreAsync(StorageOptions options, string from, BackupHeader header, CancellationToken cancellationToken)
    {
        var target = options.SqliteFilePath();
        var folder = Path.GetDirectoryName(target)!;
        var madeFolder = !Directory.Exists(folder);
        var staged = target + ".restoring";
        var files = Path.Combine(Path.GetFullPath(options.DataDirectory), FilesFolder);
        var stagedFiles = files + ".restoring";
        var placed = false;
        try
        {
            if (madeFolder)
            {
                CreatePrivateFolder(folder);
            }
            // Names of this kind are what an interrupted restore left; they were never the database.
            File.Delete(staged);
            DeleteFolder(stagedFiles);
            await UnpackAsync(from, staged, stagedFiles, cancellationToken).ConfigureAwait(false);
            CheckStaged(staged, from);
            CheckTargetFree(target);
            foreach (var suffix in DataDirectoryPermissions.CompanionSuffixes)
            {
                // A log left beside an older database must not be applied to the restored one.
                File.Delete(target + suffix);
            }
            File.Move(staged, target, overwrite: true);
            placed = true;
            PlaceFiles(stagedFiles, files);
        }
        finally
        {
            DeleteFolder(stagedFiles);
            if (!placed)
            {
                File.Delete(staged);
                if (madeFolder && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
        }
    }

    private const string DatabaseEntry = "gridactors.db";

    /// <summary>The evidence files' folder under the data folder (src/Gateway/Files, DiskEvidenceStore).</summary>
    private const string FilesFolder = "files";

    private static IEnumerable<(string Path, string Entry)> EvidenceFiles(string dataDirectory)
    {
        var root = Path.Combine(Path.GetFullPath(dataDirectory), FilesFolder);
        if (!Directory.Exists(root))
        {
            yield break;
        }
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var entry = Path.GetRelativePath(Path.GetFullPath(dataDirectory), path).Replace('\\', '/');
            if (EvidenceEntry().IsMatch(entry))
            {
                // Temporary files of a store in progress are left out.
                yield return (path, entry);
            }
        }
    }

    private static async Task UnpackAsync(string from, string staged, string stagedFiles, CancellationToken cancellationToken)
    {
        var database = false;
        await using var payload = BackupFile.OpenPayload(from);
        try
        {
            await using var archive = new TarReader(payload);
            while (await archive.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    throw new BackupRefusedException($"Restore refused: '{from}' holds '{entry.Name}', which is not a file; it is not a GridActors backup.");
                }
                string path;
                if (entry.Name == DatabaseEntry && !database)
                {
                    path = staged;
                    database = true;
                }
                else if (EvidenceEntry().IsMatch(entry.Name))
                {
                    path = Path.Combine(stagedFiles, entry.Name[(FilesFolder.Length + 1)..]);
                    CreatePrivateFolder(Path.GetDirectoryName(path)!);
                }
                else
                {
                    throw new BackupRefusedException($"Restore refused: '{from}' holds '{entry.Name}', which no GridActors backup holds.");
                }
                await using var output = BackupFile.CreatePrivate(path);
                await entry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new BackupRefusedException($"Restore refused: the data in '{from}' is not a GridActors backup archive ({failure.Message.ReplaceLineEndings(" ")}).", failure);
        }
        if (!database)
        {
            throw new BackupRefusedException($"Restore refused: '{from}' holds no database ({DatabaseEntry}); it is not a GridActors backup of the embedded profile.");
        }
    }

    // Content-addressed: a file already there under the same name holds the same bytes.
    private static void PlaceFiles(string stagedFiles, string files)
    {
        if (!Directory.Exists(stagedFiles))
        {
            return;
        }
        foreach (var path in Directory.EnumerateFiles(stagedFiles, "*", SearchOption.AllDirectories))
        {
            var placed = Path.Combine(files, Path.GetRelativePath(stagedFiles, path));
            CreatePrivateFolder(Path.GetDirectoryName(placed)!);
            if (!File.Exists(placed))
            {
                File.Move(path, placed);
            }
        }
    }

    private static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, DataDirectoryPermissions.DirectoryMode);
        }
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex("^files/[0-9a-f]{2}/[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex EvidenceEntry();

    private static void CheckStaged(string staged, string from)
    {
        var start = new byte[SqliteMagic.Length];
        using (var file = File.OpenRead(staged))
        {
            if (file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) < start.Length || !start.AsSpan().SequenceEqual(SqliteMagic))
            {
                throw new BackupRefusedException($"Restore refused: the data in '{from}' is not a SQLite database.");
            }
        }
        try
        {
            using var connection = Open(staged, SqliteOpenMode.ReadWrite);
            var check = Scalar(connection, "PRAGMA quick_check");
            if (check != "ok")
            {
                throw new BackupRefusedException($"Restore refused: the database in '{from}' fails SQLite's check ({check}); it was damaged before it was backed up.");
            }
            if (!HasTable(connection, "grain_states"))
            {
                throw new BackupRefusedException($"Restore refused: the database in '{from}' is not a GridActors database (it has no table grain_states).");
            }
        }
        catch (SqliteException failure)
        {
            throw new BackupRefusedException($"Restore refused: the database in '{from}' cannot be read ({failure.Message.ReplaceLineEndings(" ")}).", failure);
        }
    }

    // The running service keeps a shared lock on its database file for as long as it has it open (WAL mode); an exclusive
    // lock is refused while it runs. Held for the check only: the move that follows takes a moment.
    private static void CheckTargetFree(string target)
    {
        if (!File.Exists(target) || new FileInfo(target).Length == 0)
        {
            return;
        }
        using var connection = Open(target, SqliteOpenMode.ReadWrite, defaultTimeoutSeconds: 1);
        // Closing the last connection would fold a log left by a crash into the database and delete it: data kept, but
        // a refused restore must leave the folder byte for byte as it was (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
        SQLitePCL.raw.sqlite3_db_config(connection.Handle, 1006, 1, out _);
        try
        {
            Execute(connection, "PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE");
            Scalar(connection, "SELECT count(*) FROM sqlite_master");
        }
        catch (SqliteException failure) when (failure.SqliteErrorCode is 5 or 6)
        {
            throw new BackupRefusedException(
                $"Restore refused: the database '{target}' is in use (the service is running?); stop the service, then restore.", failure);
        }
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'OrleansQuery'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        // The query catalogue is written at every start; any other row is data this restore would replace.
        var holding = tables.Where(t => Scalar(connection, $"SELECT EXISTS (SELECT 1 FROM \"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\")") == "1").ToList();
        if (holding.Count > 0)
        {
            throw new BackupRefusedException(
                $"Restore refused: the database '{target}' already holds data (table {holding[0]}); restore only into an empty data folder: move the folder away or set Storage:DataDirectory to a new one.");
        }
    }

    internal static async Task<(string Sha, long Length)> CopyHashingAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long length = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            length += read;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    // Unpooled: this process opens each file once, and a pooled handle would keep the file open after the command.
    private static SqliteConnection Open(string file, SqliteOpenMode mode, int defaultTimeoutSeconds = 30)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = defaultTimeoutSeconds,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool HasTable(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
