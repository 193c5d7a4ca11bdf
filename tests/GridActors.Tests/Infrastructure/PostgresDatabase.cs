using System.Globalization;
using Npgsql;

namespace GridActors.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL database for tests. The server comes from the environment variable
/// <c>GRIDACTORS_TEST_POSTGRES</c>, e.g.
/// <c>Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres</c>; its
/// Database is the admin database connected to for CREATE/DROP DATABASE. Each instance creates
/// <c>gridactors_test_&lt;random&gt;</c> (session time zone Asia/Shanghai, so a timestamp that depends
/// on the session zone shows up as wrong) and drops it on dispose.
/// A missing variable or a server that does not answer FAILS the test: these tests never skip.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "GRIDACTORS_TEST_POSTGRES";

    private const string DatabasePrefix = "gridactors_test_";

    private readonly string _adminConnectionString;

    private PostgresDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name (<c>gridactors_test_...</c>).</summary>
    public string Name { get; }

    /// <summary>A connection string to the fresh database, with the variable's host and credentials.</summary>
    public string ConnectionString { get; }

    /// <summary>The admin connection string from <c>GRIDACTORS_TEST_POSTGRES</c>; fails the test when it is not set.</summary>
    public static string AdminConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            Assert.Fail(
                $"{EnvironmentVariable} is not set. PostgreSQL tests need a server: set it to e.g. " +
                "'Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres' " +
                "(the Database is the admin database used for CREATE DATABASE).");
        }

        return value;
    }

    /// <summary>Creates a fresh, empty database; fails the test with a clear message when the server cannot be used.</summary>
    public static async Task<PostgresDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var admin = AdminConnectionString();
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(admin);
        }
        catch (ArgumentException invalid)
        {
            Assert.Fail($"{EnvironmentVariable} is not a valid Npgsql connection string: {invalid.Message}");
            throw;
        }

        var name = DatabasePrefix + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"CREATE DATABASE {name}", cancellationToken);
            await ExecuteAsync(connection, $"ALTER DATABASE {name} SET timezone TO 'Asia/Shanghai'", cancellationToken);
        }
        catch (NpgsqlException failure)
        {
            Assert.Fail(
                $"PostgreSQL from {EnvironmentVariable} ({builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}, " +
                $"admin database '{builder.Database}') cannot create a test database: {failure.Message} " +
                $"{failure.InnerException?.Message}. Start the server or fix the variable.");
        }

        builder.Database = name;
        return new PostgresDatabase(admin, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections of silos that are gone would otherwise keep the database busy.
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>An xunit class fixture: one fresh PostgreSQL database shared by the tests of a class, dropped afterwards.</summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private PostgresDatabase? _database;

    /// <summary>The class's database; available once xunit has initialised the fixture.</summary>
    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    public string ConnectionString => Database.ConnectionString;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
