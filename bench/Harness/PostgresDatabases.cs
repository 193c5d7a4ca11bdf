using Npgsql;

namespace GridActors.Bench;

/// <summary><c>pg-db --connection C --name N</c>: drops and creates database N on the server of C, and prints its connection string.</summary>
public static class PostgresDatabases
{
    public static async Task<int> CreateAsync(Options options)
    {
        var server = new NpgsqlConnectionStringBuilder(options.Get("connection"));
        var name = options.Get("name");
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException("--name: letters, digits and _ only");
        }
        await using (var source = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await using var drop = source.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
            await using var create = source.CreateCommand($"CREATE DATABASE {name}");
            await create.ExecuteNonQueryAsync();
        }
        server.Database = name;
        Console.WriteLine(server.ConnectionString);
        return 0;
    }
}
