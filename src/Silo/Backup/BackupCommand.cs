using System.Diagnostics;
using System.Globalization;
using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Silo.Backup;

/// <summary>
/// The verbs <c>backup --to FILE</c> and <c>restore --from FILE</c> of the service's own executables (gateway and silo),
/// reading the same settings as the service (appsettings, environment, command line): the profile, the database and the
/// service id. They print one line: what was done, or why nothing was.
/// </summary>
public static class BackupCommand
{
    /// <summary>Whether the command line asks for a backup or a restore instead of starting the service.</summary>
    public static bool IsCommand(string[] args) => args is ["backup" or "restore", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verb = args[0];
        var option = verb == "backup" ? "--to" : "--from";
        var rest = args.Skip(1).ToList();
        var at = rest.FindIndex(a => a == option);
        if (at < 0 || at + 1 >= rest.Count || string.IsNullOrWhiteSpace(rest[at + 1]))
        {
            await Console.Error.WriteLineAsync($"Usage: {verb} {option} FILE [settings such as --Storage:DataDirectory=./data]").ConfigureAwait(false);
            return 2;
        }
        var file = Path.GetFullPath(rest[at + 1]);
        rest.RemoveRange(at, 2);
        var configuration = WebApplication.CreateBuilder(HostArguments.WithoutConfigReload([.. rest])).Configuration;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var options = StorageOptions.FromConfiguration(configuration);
            var line = verb == "backup"
                ? await BackupAsync(options, configuration, file, stopwatch).ConfigureAwait(false)
                : await RestoreAsync(options, configuration, file, stopwatch).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            return 0;
        }
        catch (Exception failure) when (failure is BackupRefusedException or StorageUnavailableException)
        {
            await Console.Error.WriteLineAsync(failure.Message).ConfigureAwait(false);
            return 1;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or SqliteException or NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"{(verb == "backup" ? "Backup" : "Restore")} failed: {failure.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<string> BackupAsync(StorageOptions options, IConfiguration configuration, string to, Stopwatch stopwatch)
    {
        if (File.Exists(to))
        {
            throw new BackupRefusedException($"Backup refused: '{to}' already exists; name a new file.");
        }
        if (!Directory.Exists(Path.GetDirectoryName(to)))
        {
            throw new BackupRefusedException($"Backup refused: the folder of '{to}' does not exist.");
        }
        var header = options.Provider == StorageProvider.PostgreSQL
            ? await PostgresBackup.BackupAsync(options, configuration, to, TimeProvider.System, CancellationToken.None).ConfigureAwait(false)
            : await SqliteBackup.BackupAsync(options, to, TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"Backed up {options.DescribeTarget()} (service '{header.ServiceId}') to {to}: {header.PayloadBytes / 1e6:0.0} MB in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
    }

    private static async Task<string> RestoreAsync(StorageOptions options, IConfiguration configuration, string from, Stopwatch stopwatch)
    {
        var header = BackupFile.ReadAndVerify(from);
        var profile = options.Provider == StorageProvider.PostgreSQL ? "postgresql" : "sqlite";
        if (header.Profile != profile)
        {
            throw new BackupRefusedException(
                $"Restore refused: '{from}' is a backup of the {Describe(header.Profile)} and this service is set up for the {Describe(profile)} (Storage:Provider).");
        }
        if (!string.Equals(header.ServiceId, options.ServiceId, StringComparison.Ordinal))
        {
            throw new BackupRefusedException(
                $"Restore refused: '{from}' is a backup of service '{header.ServiceId}' and this service is '{options.ServiceId}' (Storage:ServiceId); its rows would be invisible here.");
        }
        if (options.Provider == StorageProvider.PostgreSQL)
        {
            await PostgresBackup.RestoreAsync(options, configuration, from, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await SqliteBackup.RestoreAsync(options, from, header, CancellationToken.None).ConfigureAwait(false);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"Restored {from} (taken {header.TakenAt:yyyy-MM-dd HH:mm:ss} UTC, service '{header.ServiceId}') into {options.DescribeTarget()} in {stopwatch.Elapsed.TotalSeconds:0.0} s; start the service.");
    }

    private static string Describe(string profile) => profile == "postgresql" ? "cluster profile (PostgreSQL)" : "embedded profile (SQLite)";
}
