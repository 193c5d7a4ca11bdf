using GridActors.Tests.Infrastructure;
using Npgsql;

namespace GridActors.Tests.Cluster;

/// <summary>
/// Takes a test database away the way an outage or a fail-over does: every open connection is terminated and
/// new ones are refused (<c>ALLOW_CONNECTIONS false</c>) until <see cref="DisposeAsync"/> lets them in again.
/// Other databases on the server are untouched.
/// </summary>
internal sealed class DatabaseOutage : IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private bool _over;

    private DatabaseOutage(PostgresDatabase database, long terminated)
    {
        _database = database;
        Terminated = terminated;
    }

    /// <summary>Connections that were open when the outage began.</summary>
    public long Terminated { get; }

    public static async Task<DatabaseOutage> BeginAsync(PostgresDatabase database)
    {
        await using var admin = new NpgsqlConnection(PostgresDatabase.AdminConnectionString());
        await admin.OpenAsync();
        await Execute(admin, $"ALTER DATABASE {database.Name} ALLOW_CONNECTIONS false");
        await using var terminate = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", admin);
        terminate.Parameters.AddWithValue("name", database.Name);
        return new DatabaseOutage(database, (long)(await terminate.ExecuteScalarAsync())!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_over)
        {
            return;
        }
        _over = true;
        await using var admin = new NpgsqlConnection(PostgresDatabase.AdminConnectionString());
        await admin.OpenAsync();
        await Execute(admin, $"ALTER DATABASE {_database.Name} ALLOW_CONNECTIONS true");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
