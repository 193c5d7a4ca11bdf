using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Silo.Storage;

/// <summary>
/// Creates or completes the GridActors schema (tables, indexes and the Orleans query catalogue)
/// for the configured provider, and moves the configured service's rows of an earlier layout into
/// the current one (upgrade scripts). Idempotent: it runs at every start-up, and two silos may run
/// it at once against the same PostgreSQL database. Failures to reach or use the database surface as
/// <see cref="StorageUnavailableException"/> with a one-line message for the operator.
/// </summary>
public static partial class SchemaInstaller
{
    /// <summary>Logger category used by the silo's start-up hook.</summary>
    public const string LoggerCategory = "GridActors.Silo.Storage.SchemaInstaller";

    // Any constant works as long as nothing else in the database uses it; spells "GRIDSCHM".
    private const long PostgresAdvisoryLockKey = 0x4752_4944_5343_484D;

    private const string FixConnectionString = "Storage:ConnectionString (environment variable Storage__ConnectionString)";
    private const string FixDataDirectory = "Storage:DataDirectory (environment variable Storage__DataDirectory)";

    /// <summary>
    /// Applies the schema for <paramref name="options"/>. Throws <see cref="StorageUnavailableException"/>
    /// when the database cannot be reached or set up; print its message, not its stack trace.
    /// </summary>
    public static async Task InstallAsync(StorageOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        var stopwatch = Stopwatch.StartNew();
        var schema = SqlScripts.Schema(options.Provider);
        var queries = SqlScripts.Queries(options.Provider);
        var upgrades = SqlScripts.Upgrades(options.Provider);
        switch (options.Provider)
        {
            case StorageProvider.PostgreSQL:
                await InstallPostgresAsync(options, schema, upgrades, queries, cancellationToken).ConfigureAwait(false);
                break;
            case StorageProvider.Sqlite:
                await InstallSqliteAsync(options, schema, upgrades, queries, logger, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown storage provider.");
        }

        LogSchemaReady(logger, options.DescribeTarget(), schema.Count, queries.Count, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Reads the <c>Storage</c> section and applies the schema. On failure logs ONE critical line
    /// (no stack trace) naming the database and the setting to fix, and returns false: the caller
    /// should then exit with a non-zero code.
    /// </summary>
    public static async Task<bool> TryInstallAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            await InstallAsync(StorageOptions.FromConfiguration(configuration), logger, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StorageUnavailableException unavailable)
        {
            LogStorageUnavailable(logger, unavailable.Message);
            return false;
        }
    }

    private static async Task InstallPostgresAsync(
        StorageOptions options,
        IReadOnlyList<(string Name, string Text)> schema,
        IReadOnlyList<(string Name, string Text)> upgrades,
        IReadOnlyList<(string Key, string Text)> queries,
        CancellationToken cancellationToken)
    {
        var connectionString = options.ResolveConnectionString();
        var target = options.DescribeTarget();

        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString);
        }
        catch (ArgumentException invalid)
        {
            throw new StorageUnavailableException(
                $"Storage unavailable: the PostgreSQL connection string is not valid ({OneLine(invalid.Message)}). Fix {FixConnectionString}.",
                invalid);
        }

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is NpgsqlException or TimeoutException or ArgumentException or InvalidOperationException)
            {
                throw new StorageUnavailableException(
                    $"Storage unavailable: cannot connect to {target}: {Reason(failure)}. Check that the server is up and fix {FixConnectionString}.",
                    failure);
            }

            var step = "advisory lock";
            try
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // Serialises concurrent installers (CREATE ... IF NOT EXISTS alone can still race in
                    // the catalogue); released by the commit.
                    await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
                    {
                        command.Parameters.AddWithValue("key", PostgresAdvisoryLockKey);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var (name, text) in schema)
                    {
                        step = name;
                        await using var command = new NpgsqlCommand(text, connection, transaction);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var (name, text) in upgrades)
                    {
                        step = name;
                        await using var command = new NpgsqlCommand(text, connection, transaction);
                        command.Parameters.AddWithValue("service", options.ServiceId);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var (key, text) in queries)
                    {
                        step = key;
                        await using var command = new NpgsqlCommand(
                            """
                            INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)
                            ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText
                            WHERE OrleansQuery.QueryText IS DISTINCT FROM excluded.QueryText
                            """,
                            connection,
                            transaction);
                        command.Parameters.AddWithValue("key", key);
                        command.Parameters.AddWithValue("text", text);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException failure)
            {
                throw new StorageUnavailableException(
                    $"Storage unavailable: {target} refused the schema set-up at '{step}': {Reason(failure)}. " +
                    $"Check the rights of the user named in {FixConnectionString} (it needs CREATE on the database).",
                    failure);
            }
        }
    }

    private static async Task InstallSqliteAsync(
        StorageOptions options,
        IReadOnlyList<(string Name, string Text)> schema,
        IReadOnlyList<(string Name, string Text)> upgrades,
        IReadOnlyList<(string Key, string Text)> queries,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        string connectionString;
        string file;
        try
        {
            connectionString = options.ResolveConnectionString();
            file = options.SqliteFilePath();
        }
        catch (ArgumentException invalid)
        {
            throw new StorageUnavailableException(
                $"Storage unavailable: the SQLite connection string is not valid ({OneLine(invalid.Message)}). Fix {FixConnectionString} or leave it empty and set {FixDataDirectory}.",
                invalid);
        }

        var setting = string.IsNullOrWhiteSpace(options.ConnectionString) ? FixDataDirectory : FixConnectionString;
        var directory = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(directory))
        {
            try
            {
                DataDirectoryPermissions.PrepareDirectory(directory, ownDirectory: string.IsNullOrWhiteSpace(options.ConnectionString), logger);
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new StorageUnavailableException(
                    $"Storage unavailable: cannot create the SQLite data directory '{directory}': {Reason(failure)}. Set {setting} to a writable directory.",
                    failure);
            }
        }
        // A connection string that asks SQLite not to create the file (Mode=ReadWrite) or for memory keeps its meaning.
        if (!string.IsNullOrEmpty(file) && file != ":memory:" && new SqliteConnectionStringBuilder(connectionString).Mode == SqliteOpenMode.ReadWriteCreate)
        {
            try
            {
                DataDirectoryPermissions.PrepareFiles(file, logger);
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new StorageUnavailableException(
                    $"Storage unavailable: cannot create the SQLite file '{file}': {Reason(failure)}. Check the file and its directory, or set {setting}.",
                    failure);
            }
        }

        var step = "open";
        try
        {
            var connection = new SqliteConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

                step = "journal mode";
                await ExecuteAsync(connection, null, SqliteTunedDataSource.TuningSql(SqliteTunedDataSource.BusyTimeout), cancellationToken).ConfigureAwait(false);
                // 16 KB pages, for a new file only (a file's page size is fixed once it holds tables and is in WAL mode). With
                // the default 4 KB, an issue's row (about 1.8 KB of JSON) did not fit in a page of the table's key-ordered
                // tree and spilled to an overflow page: 5.3 KB of file per report, against 2.9 KB with 16 KB pages, and
                // reports a second 3,320-3,420 against 3,630-3,710 (docs/storage.md).
                await ExecuteAsync(connection, null, "PRAGMA page_size = 16384;", cancellationToken).ConfigureAwait(false);
                var journalMode = await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    LogNoWal(logger, file, journalMode ?? "unknown");
                }

                // BEGIN IMMEDIATE: a second process installing at the same time waits (busy_timeout).
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    foreach (var (name, text) in schema)
                    {
                        step = name;
                        await ExecuteAsync(connection, transaction, text, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var (name, text) in upgrades)
                    {
                        step = name;
                        await using var command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = text;
                        command.Parameters.AddWithValue("@service", options.ServiceId);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var (key, text) in queries)
                    {
                        step = key;
                        await using var command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText =
                            """
                            INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text)
                            ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText
                            WHERE QueryText <> excluded.QueryText
                            """;
                        command.Parameters.AddWithValue("@key", key);
                        command.Parameters.AddWithValue("@text", text);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (SqliteException failure)
        {
            var what = step == "open" ? "cannot open" : $"cannot set up (at '{step}')";
            throw new StorageUnavailableException(
                $"Storage unavailable: {what} the SQLite file '{file}': {Reason(failure)}. Check the file and its directory, or set {setting}.",
                failure);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))?.ToString();
    }

    // The most specific human-readable cause: PostgreSQL's own text, else the innermost exception.
    private static string Reason(Exception failure)
    {
        if (failure is PostgresException postgres)
        {
            return OneLine($"{postgres.MessageText} (SQLSTATE {postgres.SqlState})");
        }

        if (failure is SqliteException sqlite)
        {
            return OneLine(sqlite.Message);
        }

        var innermost = failure;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost == failure ? OneLine(failure.Message) : OneLine($"{failure.Message} {innermost.Message}");
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage schema ready on {Target}: {ScriptCount} schema scripts, {QueryCount} Orleans queries, {ElapsedMs} ms")]
    private static partial void LogSchemaReady(ILogger logger, string target, int scriptCount, int queryCount, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite file {File} did not switch to WAL (journal mode is {JournalMode}); writes will be slower and readers may block writers")]
    private static partial void LogNoWal(ILogger logger, string file, string journalMode);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string reason);
}
