using System.Data.Common;
using System.Globalization;
using System.Net;
using GridActors.Grains.Audit;
using GridActors.Grains.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace GridActors.Silo.Storage;

/// <summary>
/// Wires Orleans to the GridActors storage profiles (see DESIGN.md, "Storage profiles").
/// Configuration: section <c>Storage</c> (<see cref="StorageOptions"/>) and, for clustering,
/// <c>Orleans:SiloPort</c> (default 11111), <c>Orleans:GatewayPort</c> (default 30000) and
/// <c>Orleans:AdvertisedIP</c> (default loopback).
/// </summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>Service key of the <see cref="DbDataSource"/> shared by the ADO.NET providers.</summary>
    public const string DataSourceKey = "GridActors.Storage";

    /// <summary>Orleans' invariant for SQLite; Orleans maps it to Microsoft.Data.Sqlite's factory.</summary>
    internal const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>Orleans' invariant for PostgreSQL (Npgsql).</summary>
    internal const string PostgresInvariant = "Npgsql";

    private const int DefaultSiloPort = Hosting.OrleansPorts.DefaultSiloPort;
    private const int DefaultGatewayPort = Hosting.OrleansPorts.DefaultGatewayPort;

    /// <summary>
    /// The whole storage profile of a silo: <see cref="UseGridActorsPersistence"/> (grain storage,
    /// reminders, schema at start-up) plus <see cref="UseGridActorsClustering(ISiloBuilder, IConfiguration)"/>
    /// (membership, endpoints, service and cluster ids).
    /// </summary>
    public static ISiloBuilder UseGridActorsStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.UseGridActorsPersistence(configuration);
        silo.UseGridActorsClustering(configuration);
        return silo;
    }

    /// <summary>
    /// Grain storage <see cref="StorageNames.Grains"/> (group commit, System.Text.Json payloads), the audit log's
    /// store (<see cref="IAuditLogStore"/>), durable ADO.NET reminders, and the schema install as the silo's first
    /// start-up step. Leaves clustering, endpoints and ids alone, so test clusters (which bring their own membership)
    /// can use it; they must still set a fixed ServiceId to find their state again after a restart.
    /// </summary>
    public static ISiloBuilder UseGridActorsPersistence(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = StorageOptions.FromConfiguration(configuration);
        var invariant = InvariantOf(options.Provider);

        silo.Services.TryAddSingleton(options);
        AddDataSource(silo.Services, options);
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallParticipant>());

        // Grain state goes through the group-commit storage (one transaction for the writes of many grains), not
        // Orleans' ADO.NET provider (one transaction per write): see GroupCommitGrainStorage and docs/storage.md.
        silo.UseSystemTextJsonGrainStorageSerializer();
        // The grain storage appends stream events in the queue the stream's receiver reads (docs/event-path.md).
        silo.Services.TryAddSingleton(_ => Streams.EventQueues.FromConfiguration(configuration));
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Grains, (services, key) => new GroupCommitGrainStorage(
            (string)key!,
            services.GetRequiredKeyedService<DbDataSource>(DataSourceKey),
            GrainStateSql.For(options.Provider),
            services.GetRequiredService<IGrainStorageSerializer>(),
            services.GetRequiredService<Streams.EventQueues>(),
            services.GetRequiredService<Orleans.Serialization.Serializer>(),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value,
            services.GetRequiredService<ILogger<GroupCommitGrainStorage>>()));

        // The audit log of personal-data reads: rows of its own table, appended in batches (AuditLogStore, docs/storage.md).
        silo.Services.TryAddSingleton<IAuditLogStore>(services => new AuditLogStore(
            services.GetRequiredKeyedService<DbDataSource>(DataSourceKey),
            AuditLogSql.For(options.Provider),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value,
            services.GetRequiredService<ILogger<AuditLogStore>>()));

        silo.UseAdoNetReminderService(reminders => reminders.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = invariant;
            o.DataSource = services.GetRequiredKeyedService<DbDataSource>(DataSourceKey);
        }));

        return silo;
    }

    /// <summary>
    /// Membership for a silo: localhost clustering for SQLite (one silo), ADO.NET clustering on
    /// PostgreSQL otherwise; silo and gateway ports, advertised address, service and cluster ids.
    /// </summary>
    public static ISiloBuilder UseGridActorsClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = StorageOptions.FromConfiguration(configuration);
        var siloPort = ReadPort(configuration, "Orleans:SiloPort", DefaultSiloPort);
        var gatewayPort = ReadPort(configuration, "Orleans:GatewayPort", DefaultGatewayPort);

        if (options.Provider == StorageProvider.Sqlite)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primarySiloEndpoint: null, options.ServiceId, options.ClusterId);
            return silo;
        }

        var advertised = ReadAddress(configuration, "Orleans:AdvertisedIP");
        silo.Services.TryAddSingleton(options);
        AddDataSource(silo.Services, options);
        silo.UseAdoNetClustering(clustering => clustering.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = PostgresInvariant;
            o.DataSource = services.GetRequiredKeyedService<DbDataSource>(DataSourceKey);
        }));
        silo.Configure<ClusterOptions>(ids =>
        {
            ids.ServiceId = options.ServiceId;
            ids.ClusterId = options.ClusterId;
        });
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.SiloPort = siloPort;
            endpoints.GatewayPort = gatewayPort;
            endpoints.AdvertisedIPAddress = advertised ?? IPAddress.Loopback;
            if (advertised is not null && !IPAddress.IsLoopback(advertised))
            {
                // Advertise the pod/host address but accept connections on every interface.
                endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, siloPort);
                endpoints.GatewayListeningEndpoint = gatewayPort > 0 ? new IPEndPoint(IPAddress.Any, gatewayPort) : null;
            }
        });
        return silo;
    }

    /// <summary>
    /// Membership for a pure Orleans client (the gateway in the cluster profile): ADO.NET gateway
    /// list on PostgreSQL, or the local silo's gateway (<c>Orleans:GatewayPort</c>) for SQLite.
    /// The client reads the query catalogue when it connects: run
    /// <see cref="SchemaInstaller.TryInstallAsync"/> first, or retry connecting until a silo has.
    /// </summary>
    public static IClientBuilder UseGridActorsClustering(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = StorageOptions.FromConfiguration(configuration);

        if (options.Provider == StorageProvider.Sqlite)
        {
            var gatewayPort = ReadPort(configuration, "Orleans:GatewayPort", DefaultGatewayPort);
            client.UseLocalhostClustering(gatewayPort, options.ServiceId, options.ClusterId);
            return client;
        }

        client.Services.TryAddSingleton(options);
        AddDataSource(client.Services, options);
        client.UseAdoNetClustering(clustering => clustering.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = PostgresInvariant;
            o.DataSource = services.GetRequiredKeyedService<DbDataSource>(DataSourceKey);
        }));
        client.Configure<ClusterOptions>(ids =>
        {
            ids.ServiceId = options.ServiceId;
            ids.ClusterId = options.ClusterId;
        });
        return client;
    }

    internal static string InvariantOf(StorageProvider provider) =>
        provider == StorageProvider.PostgreSQL ? PostgresInvariant : SqliteInvariant;

    // One pool per host, shared by grain storage, reminders and membership, disposed with the host.
    private static void AddDataSource(IServiceCollection services, StorageOptions options) =>
        services.TryAddKeyedSingleton<DbDataSource>(DataSourceKey, (_, _) => options.Provider == StorageProvider.PostgreSQL
            ? NpgsqlDataSource.Create(options.ResolveConnectionString())
            : new SqliteTunedDataSource(options.ResolveConnectionString()));

    private static int ReadPort(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535)
        {
            return port;
        }

        throw new InvalidOperationException($"{key} must be a port number between 0 and 65535 (got '{text}'); environment variable {key.Replace(":", "__", StringComparison.Ordinal)}.");
    }

    private static IPAddress? ReadAddress(IConfiguration configuration, string key)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (IPAddress.TryParse(text.Trim(), out var address))
        {
            return address;
        }

        throw new InvalidOperationException($"{key} must be an IP address (got '{text}'); environment variable {key.Replace(":", "__", StringComparison.Ordinal)}.");
    }
}
