using System.Net;
using System.Net.Sockets;
using GridActors.Silo.Storage;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GridActors.Tests.Storage;

/// <summary>
/// The cluster profile on a real PostgreSQL server (GRIDACTORS_TEST_POSTGRES): every test gets a
/// fresh database. Without the variable or the server these tests fail, they do not skip.
/// </summary>
public sealed class PostgresStorageTests : StorageProfileTests
{
    private static readonly string[] MembershipKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    protected override IReadOnlyCollection<string> ExpectedQueryKeys => [.. ReminderKeys, .. MembershipKeys];

    protected override async Task<StorageTarget> CreateTargetAsync()
    {
        var database = await PostgresDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = database.ConnectionString,
        };
        return new StorageTarget(settings, database.DisposeAsync);
    }

    protected override async Task<IReadOnlyList<string>> ReadQueryKeysAsync(StorageTarget target)
    {
        await using var connection = new NpgsqlConnection(target.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    [Fact]
    public async Task An_unreachable_server_gives_one_line_naming_the_host_and_the_setting()
    {
        var port = UnusedPort();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=gridactors;Password=secret;Database=gridactors;Timeout=5";
        var options = new StorageOptions { Provider = StorageProvider.PostgreSQL, ConnectionString = connectionString };

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => SchemaInstaller.InstallAsync(options, NullLogger.Instance));
        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);

        // What Program does before starting the host: exactly one log line, no stack trace.
        var configuration = Configure(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = connectionString,
        });
        var logger = new CapturingLogger();
        Assert.False(await SchemaInstaller.TryInstallAsync(configuration, logger));
        var line = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Critical, line.Level);
        Assert.Null(line.Exception);
        Assert.Equal(failure.Message, line.Message);

        // A silo host started anyway stops at its first lifecycle step with the same exception.
        var (siloPort, gatewayPort) = (UnusedPort(), UnusedPort());
        using var silo = BuildSiloHost(Configure(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        // Neither Orleans nor the host wraps it, so Program can catch the type itself.
        var startFailure = await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.StartAsync());
        Assert.Same(startFailure, StorageUnavailableException.FindIn(new AggregateException(new InvalidOperationException("wrapper", startFailure))));
        Assert.Contains($"127.0.0.1:{port}", startFailure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_string_names_the_setting()
    {
        var configuration = Configure(new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL" });
        var logger = new CapturingLogger();

        Assert.False(await SchemaInstaller.TryInstallAsync(configuration, logger));

        var line = Assert.Single(logger.Entries);
        Assert.Contains("Storage__ConnectionString", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_silos_and_a_gateway_client_form_one_cluster_through_postgres_membership()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var ids = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Storage:ServiceId"] = NewServiceId(),
            ["Storage:ClusterId"] = "cluster-" + Guid.NewGuid().ToString("N")[..8],
        };

        using var silo1 = BuildSiloHost(Configure(ids, ("Orleans:SiloPort", UnusedPort()), ("Orleans:GatewayPort", UnusedPort())));
        using var silo2 = BuildSiloHost(Configure(ids, ("Orleans:SiloPort", UnusedPort()), ("Orleans:GatewayPort", UnusedPort())));

        // Both install the schema and join at the same moment (advisory lock, versioned membership rows).
        await Task.WhenAll(Task.Run(() => silo1.StartAsync()), Task.Run(() => silo2.StartAsync()));
        try
        {
            var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            clientBuilder.UseOrleansClient(client => client.UseGridActorsClustering(Configure(ids)));
            using var clientHost = clientBuilder.Build();
            await clientHost.StartAsync();
            try
            {
                var grains = clientHost.Services.GetRequiredService<IClusterClient>();
                for (var i = 0; i < 8; i++)
                {
                    var probe = grains.GetGrain<IStorageProbeGrain>($"cluster-{i}");
                    await probe.SetValue($"value-{i}");
                    Assert.Equal($"value-{i}", await probe.GetValue());
                }

                await using var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) FROM silo_membership WHERE deployment_id = @cluster AND status = 3", connection);
                command.Parameters.AddWithValue("cluster", ids["Storage:ClusterId"]!);
                Assert.Equal(2L, await command.ExecuteScalarAsync());
            }
            finally
            {
                await clientHost.StopAsync();
            }
        }
        finally
        {
            await Task.WhenAll(silo1.StopAsync(), silo2.StopAsync());
        }
    }

    private static IHost BuildSiloHost(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo.UseGridActorsStorage(configuration));
        return builder.Build();
    }

    private static IConfiguration Configure(IReadOnlyDictionary<string, string?> settings, params (string Key, int Value)[] extra)
    {
        var all = settings.ToDictionary(pair => pair.Key, pair => pair.Value);
        foreach (var (key, value) in extra)
        {
            all[key] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(all).Build();
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
