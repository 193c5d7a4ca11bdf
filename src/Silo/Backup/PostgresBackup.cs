using System.Diagnostics;
using System.Globalization;
using GridActors.Silo.Storage;
using Npgsql;

namespace GridActors.Silo.Backup;

/// <summary>
/// Backup and restore of the cluster profile's PostgreSQL database with PostgreSQL's own tools: <c>pg_dump -Fc</c> reads
/// one consistent snapshot while the cluster runs; <c>pg_restore --single-transaction --exit-on-error</c> restores all of
/// it or, at the first error, nothing. The tools come from <c>Backup:PostgresBinDirectory</c>, else the newest
/// <c>/usr/lib/postgresql/N/bin</c>, else the PATH; their version must be at least the server's.
/// </summary>
internal static class PostgresBackup
{
    public static async Task<BackupHeader> BackupAsync(StorageOptions options, IConfiguration configuration, string to, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.ResolveConnectionString());
        await using (var database = await OpenAsync(options, connection, cancellationToken).ConfigureAwait(false))
        {
            if (await ScalarAsync(database, "SELECT to_regclass('grain_states') IS NOT NULL", cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new BackupRefusedException($"Backup refused: database '{connection.Database}' is not a GridActors database (it has no table grain_states).");
            }
        }
        var takenAt = time.GetUtcNow();
        try
        {
            await using var output = BackupFile.CreatePrivate(to + ".partial");
            BackupFile.WritePlaceholder(output);
            using var dump = Start(Tool(configuration, "pg_dump"), connection, redirectInput: false, redirectOutput: true, "--format=custom", "--no-password");
            var errors = dump.StandardError.ReadToEndAsync(cancellationToken);
            var (sha, length) = await SqliteBackup.CopyHashingAsync(dump.StandardOutput.BaseStream, output, cancellationToken).ConfigureAwait(false);
            await dump.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (dump.ExitCode != 0)
            {
                throw new BackupRefusedException($"Backup failed: pg_dump said: {FirstError(await errors.ConfigureAwait(false))}");
            }
            var header = new BackupHeader("postgresql", options.ServiceId, takenAt, length, sha);
            BackupFile.WriteHeader(output, header);
            output.Flush(flushToDisk: true);
            await output.DisposeAsync().ConfigureAwait(false);
            File.Move(to + ".partial", to);
            return header;
        }
        finally
        {
            File.Delete(to + ".partial");
        }
    }

    /// <summary>Restores a checked backup into the configured database, which must be empty.</summary>
    public static async Task RestoreAsync(StorageOptions options, IConfiguration configuration, string from, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.ResolveConnectionString());
        await CheckIsGridActorsDumpAsync(configuration, connection, from, cancellationToken).ConfigureAwait(false);
        await using (var database = await OpenAsync(options, connection, cancellationToken).ConfigureAwait(false))
        {
            var relations = Convert.ToInt64(await ScalarAsync(database,
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
                """, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (relations > 0)
            {
                throw new BackupRefusedException(
                    $"Restore refused: database '{connection.Database}' is not empty ({relations} tables, views or sequences); restore only into an empty database (createdb a new one and point Storage:ConnectionString at it).");
            }
        }
        using var restore = Start(Tool(configuration, "pg_restore"), connection, redirectInput: true, redirectOutput: false,
            "--single-transaction", "--exit-on-error", "--no-owner", "--no-password", "--dbname", LibpqValue("dbname", connection.Database!));
        var errors = restore.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await using var payload = BackupFile.OpenPayload(from);
            await payload.CopyToAsync(restore.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
            restore.StandardInput.Close();
        }
        catch (IOException)
        {
            // pg_restore stopped reading: it failed, and says why on its error output.
        }
        await restore.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (restore.ExitCode != 0)
        {
            throw new BackupRefusedException(
                $"Restore failed, nothing was restored (one transaction): pg_restore said: {FirstError(await errors.ConfigureAwait(false))}");
        }
    }

    // The archive's table of contents (read from its start; pg_restore stops reading there) must hold the grain state table:
    // a whole, well-formed dump of another database would otherwise restore into the empty database without complaint.
    private static async Task CheckIsGridActorsDumpAsync(IConfiguration configuration, NpgsqlConnectionStringBuilder connection, string from, CancellationToken cancellationToken)
    {
        using var list = Start(Tool(configuration, "pg_restore"), connection, redirectInput: true, redirectOutput: true, "--list");
        var contents = list.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = list.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await using var payload = BackupFile.OpenPayload(from);
            await payload.CopyToAsync(list.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
            list.StandardInput.Close();
        }
        catch (IOException)
        {
            // pg_restore read what it needed (or failed) and closed its input.
        }
        await list.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (list.ExitCode != 0)
        {
            throw new BackupRefusedException($"Restore refused: the data in '{from}' is not a readable pg_dump archive: {FirstError(await errors.ConfigureAwait(false))}");
        }
        if (!(await contents.ConfigureAwait(false)).Contains(" TABLE public grain_states ", StringComparison.Ordinal))
        {
            throw new BackupRefusedException($"Restore refused: the dump in '{from}' is not of a GridActors database (it has no table grain_states).");
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(StorageOptions options, NpgsqlConnectionStringBuilder connection, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnection(connection.ConnectionString);
        try
        {
            await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (Exception failure) when (failure is NpgsqlException or TimeoutException)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new BackupRefusedException(
                $"Cannot connect to {options.DescribeTarget()}: {failure.Message.ReplaceLineEndings(" ")}; fix Storage:ConnectionString (environment variable Storage__ConnectionString).", failure);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection database, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, database);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    // The connection goes to the tools through libpq's environment variables, so a password never shows in a process list.
    private static Process Start(string tool, NpgsqlConnectionStringBuilder connection, bool redirectInput, bool redirectOutput, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PGHOST"] = connection.Host ?? "localhost";
        start.Environment["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = connection.Database ?? connection.Username ?? "postgres";
        if (connection.Username is { } user)
        {
            start.Environment["PGUSER"] = user;
        }
        if (connection.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        start.Environment["PGSSLMODE"] = connection.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        try
        {
            return Process.Start(start) ?? throw new BackupRefusedException($"Cannot start {tool}.");
        }
        catch (System.ComponentModel.Win32Exception failure)
        {
            throw new BackupRefusedException($"Cannot start {tool} ({failure.Message}); install PostgreSQL's client tools or set Backup:PostgresBinDirectory.", failure);
        }
    }

    private static string Tool(IConfiguration configuration, string name)
    {
        if (configuration["Backup:PostgresBinDirectory"] is { Length: > 0 } configured)
        {
            return Path.Combine(configured, name);
        }
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", name)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin", name))
            : [];
        return versions.FirstOrDefault() ?? name;
    }

    private static string LibpqValue(string key, string value) =>
        $"{key}='{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    // The tools print several lines (and a hint); the operator gets the first that names the error.
    private static string FirstError(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.FirstOrDefault() ?? "no message";
    }
}
