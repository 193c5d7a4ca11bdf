using GridActors.Grains.Infrastructure;
using GridActors.Grains.Scheduling;
using GridActors.Silo.Storage;
using GridActors.Silo.Streams;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using Orleans.Streams;

namespace GridActors.Silo.Hosting;

/// <summary>Everything a GridActors silo needs, whether it runs alone or inside the gateway.</summary>
public static class SiloHostingExtensions
{
    public static ISiloBuilder AddGridActorsSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.UseGridActorsStorage(configuration);
        silo.AddGridActorsStreams(configuration);
        if (TelemetryExtensions.TracingEnabled(configuration))
        {
            silo.AddActivityPropagation();
        }
        // With Dashboard:Enabled, every silo collects for the Orleans dashboard; only the gateway serves it, behind the
        // admin role.
        if (DashboardEnabled(configuration))
        {
            silo.AddDashboard(options => options.HideTrace = true);
        }
        silo.Services.TryAddSingleton<GridClock>();
        // The wake-up dispatcher (deadlines, outbox retries) runs on one durable reminder; make sure it exists.
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IWakeUpDispatcherGrain>(0).Start());
        return silo;
    }

    /// <summary>
    /// <c>Dashboard:Enabled</c> (default false): the Orleans dashboard, collected by every silo and served by the gateway.
    /// Off unless asked for, because it costs even when nobody looks: its call filter sits on every grain call and its
    /// own meter provider reads Orleans' instruments every second (7 % of a grid read's throughput, 3-4 % of a report's
    /// CPU, docs/operations.md). Operators watch the service through its traces and metrics.
    /// </summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", false);

    /// <summary>
    /// The durable event stream <see cref="StreamNames.Provider"/>: an Orleans persistent stream whose queues are the
    /// project's own table <c>stream_event</c> on either storage profile, appended in the transaction of the change that
    /// owes the event (<see cref="EventQueueAdapterFactory"/>, docs/event-path.md). Needs the grain storage of
    /// <see cref="StorageSiloBuilderExtensions.UseGridActorsPersistence"/>. <c>Streams:PollingPeriodMs</c> (default 10 ms)
    /// is the pulling agents' tick, which sets the latency of each hop (Orleans' default of 100 ms would make three hops
    /// ~300 ms); a tick costs a query only when its queue was signalled or <c>Streams:SafetyReadMs</c> (default 1,000 ms)
    /// passed, which bounds the database load at rest. <c>Streams:Queues</c> (default 8): queues on the hash ring.
    /// </summary>
    public static ISiloBuilder AddGridActorsStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        var period = TimeSpan.FromMilliseconds(configuration.GetValue("Streams:PollingPeriodMs", 10));
        silo.Services.TryAddSingleton(_ => EventQueues.FromConfiguration(configuration));
        silo.Services.TryAddSingleton(EventStreamOptions.FromConfiguration(configuration));
        if (StorageOptions.FromConfiguration(configuration).Provider == StorageProvider.PostgreSQL)
        {
            silo.Services.AddHostedService<StreamEventListener>();
        }
        silo.AddPersistentStreams(StreamNames.Provider, EventQueueAdapterFactory.Create, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = period));
            streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });
        return silo;
    }
}
