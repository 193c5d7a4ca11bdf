using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Silo.Storage;

/// <summary>Which database holds grain state, reminders and (cluster profile) membership.</summary>
public enum StorageProvider
{
    /// <summary>Embedded profile: one SQLite file, one silo, localhost clustering.</summary>
    Sqlite,

    /// <summary>Cluster profile: PostgreSQL for state, reminders and membership; any number of silos.</summary>
    PostgreSQL,
}

/// <summary>
/// The configuration section <c>Storage</c>:
/// <c>Provider</c> (<c>Sqlite</c>, the default, or <c>PostgreSQL</c>),
/// <c>ConnectionString</c> (required for PostgreSQL; optional for SQLite),
/// <c>DataDirectory</c> (SQLite only, default <c>./data</c>, holds <c>gridactors.db</c>),
/// <c>ServiceId</c> and <c>ClusterId</c> (both default <c>gridactors</c>).
/// Environment variables use double underscores: <c>Storage__ConnectionString</c>.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Storage";

    /// <summary>File name of the SQLite database inside <see cref="DataDirectory"/>.</summary>
    public const string SqliteFileName = "gridactors.db";

    /// <summary>Default for <see cref="ServiceId"/> and <see cref="ClusterId"/>.</summary>
    public const string DefaultId = "gridactors";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>ADO.NET connection string. Required for PostgreSQL; for SQLite it overrides <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite only: the directory of the database file, created if missing.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Orleans service id: storage rows and reminders are keyed by it, so it must stay the same across restarts.</summary>
    public string ServiceId { get; set; } = DefaultId;

    /// <summary>Orleans cluster id: silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = DefaultId;

    /// <summary>Reads the <c>Storage</c> section; unknown provider names fail with a message naming the setting.</summary>
    public static StorageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new StorageOptions();

        var provider = section[nameof(Provider)];
        if (!string.IsNullOrWhiteSpace(provider))
        {
            options.Provider = ParseProvider(provider);
        }

        options.ConnectionString = NullIfBlank(section[nameof(ConnectionString)]);
        options.DataDirectory = NullIfBlank(section[nameof(DataDirectory)]) ?? options.DataDirectory;
        options.ServiceId = NullIfBlank(section[nameof(ServiceId)]) ?? options.ServiceId;
        options.ClusterId = NullIfBlank(section[nameof(ClusterId)]) ?? options.ClusterId;
        return options;
    }

    /// <summary>
    /// The connection string to use: for SQLite either <see cref="ConnectionString"/> or the file
    /// <c>gridactors.db</c> in <see cref="DataDirectory"/> (as an absolute path); for PostgreSQL
    /// <see cref="ConnectionString"/>, which must be set.
    /// </summary>
    public string ResolveConnectionString()
    {
        if (Provider == StorageProvider.PostgreSQL)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                throw new StorageUnavailableException(
                    "Storage unavailable: Storage:Provider is PostgreSQL but no connection string is set. " +
                    "Set Storage:ConnectionString (environment variable Storage__ConnectionString), " +
                    "e.g. Host=db;Port=5432;Username=gridactors;Password=...;Database=gridactors.");
            }

            return ConnectionString;
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(Path.Combine(DataDirectory, SqliteFileName)),
        };
        return builder.ToString();
    }

    /// <summary>What the connection string points at, for log lines and error messages (never the password).</summary>
    public string DescribeTarget()
    {
        if (Provider == StorageProvider.PostgreSQL)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(ResolveConnectionString());
                return $"PostgreSQL at {builder.Host ?? "localhost"}:{builder.Port}, database '{builder.Database ?? builder.Username ?? "?"}'";
            }
            catch (ArgumentException)
            {
                return "PostgreSQL (unreadable connection string)";
            }
        }

        return $"SQLite file {SqliteFilePath()}";
    }

    /// <summary>The absolute path of the SQLite database file the resolved connection string names.</summary>
    internal string SqliteFilePath()
    {
        var dataSource = new SqliteConnectionStringBuilder(ResolveConnectionString()).DataSource;
        return string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" ? dataSource : Path.GetFullPath(dataSource);
    }

    private static StorageProvider ParseProvider(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return StorageProvider.Sqlite;
        }

        if (trimmed.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) ||
            trimmed.Equals("Postgres", StringComparison.OrdinalIgnoreCase) ||
            trimmed.Equals("Npgsql", StringComparison.OrdinalIgnoreCase))
        {
            return StorageProvider.PostgreSQL;
        }

        throw new StorageUnavailableException(
            $"Storage unavailable: Storage:Provider '{value}' is not known. " +
            "Set Storage:Provider (environment variable Storage__Provider) to Sqlite or PostgreSQL.");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
