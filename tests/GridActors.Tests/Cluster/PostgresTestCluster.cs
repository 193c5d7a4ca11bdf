using GridActors.Grains.Infrastructure;
using GridActors.Grains.Scheduling;
using GridActors.Silo.Hosting;
using GridActors.Silo.Storage;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace GridActors.Tests.Cluster;

/// <summary>
/// An in-process test cluster of several silos on the project's own storage in a real PostgreSQL database:
/// grain state and reminders through <see cref="StorageSiloBuilderExtensions.UseGridActorsPersistence"/>, the
/// escalation streams of <see cref="SiloHostingExtensions.AddGridActorsStreams"/>, and one fake domain clock
/// (<see cref="GridClock"/>) shared by every silo, so a test moves deadlines by hand. Membership and messaging
/// are the test cluster's own (in memory); what survives a silo is what PostgreSQL holds.
/// </summary>
internal sealed class PostgresTestCluster : IAsyncDisposable
{
    private PostgresTestCluster(InProcessTestCluster cluster, FakeTimeProvider clock, string serviceId, WarningLog log)
    {
        Log = log;
        Cluster = cluster;
        Clock = clock;
        ServiceId = serviceId;
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public FakeTimeProvider Clock { get; }

    /// <summary>Warnings and errors of every silo and of the client.</summary>
    public WarningLog Log { get; }

    /// <summary>Storage rows and reminders belong to it: a cluster started again with it finds them.</summary>
    public string ServiceId { get; }

    /// <param name="pollingPeriodMs">How often the silos read their stream queues; an hour keeps published events undelivered.</param>
    /// <param name="strongDirectory">The grain directory the cluster profile uses (Orleans' strongly consistent one);
    /// false runs Orleans' default directory, to show what it does.</param>
    public static async Task<PostgresTestCluster> StartAsync(
        PostgresDatabase database, short silos, FakeTimeProvider clock, string? serviceId = null, int pollingPeriodMs = 10,
        bool strongDirectory = true)
    {
        serviceId ??= "cluster-test-" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            // Each silo has its own pool: keep silos × pool well under the server's max_connections (100 by default).
            ["Storage:ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=20",
            ["Storage:ServiceId"] = serviceId,
            ["Streams:PollingPeriodMs"] = pollingPeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:StrongDirectory"] = strongDirectory ? "true" : "false",
        }).Build();

        var log = new WarningLog();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseGridActorsPersistence(configuration);
            silo.AddGridActorsDirectory(configuration);
            silo.AddGridActorsStreams(configuration);
            silo.Services.AddSingleton(new GridClock(clock));
            silo.Services.AddLogging(logging => logging.AddProvider(log));
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddLogging(logging => logging.AddProvider(log));
            // A call stranded in a dead silo's gateway fails only when it times out: 5 s here, to keep the test short
            // (the gateway's client uses Gateway:ResponseTimeoutSeconds, 10 s; Orleans' default is 30 s).
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return new PostgresTestCluster(cluster, clock, serviceId, log);
    }

    /// <summary>The silo holding the activation of <paramref name="grain"/>, if any.</summary>
    public InProcessSiloHandle? SiloOf(IAddressable grain)
    {
        return Cluster.TryGetGrainContext(grain.GetGrainId(), out var context)
            ? Cluster.Silos.FirstOrDefault(silo => silo.SiloAddress.Equals(context.Address.SiloAddress))
            : null;
    }

    /// <summary>Moves domain time and runs the wake-up dispatcher, as its one-minute reminder would.</summary>
    public async Task<int> Advance(TimeSpan by)
    {
        Clock.Advance(by);
        return await Retry.Call(() => Client.GetGrain<IWakeUpDispatcherGrain>(0).RunDue());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>What a careful client does while a silo is being lost: try again shortly, a few times.</summary>
internal static class Retry
{
    public static async Task<T> Call<T>(Func<Task<T>> call, int attempts = 8, Action<Exception>? onFailure = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < attempts)
            {
                onFailure?.Invoke(e);
                await Task.Delay(100 * attempt);
            }
        }
    }
}
