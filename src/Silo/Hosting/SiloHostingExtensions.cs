using GridActors.Grains.Infrastructure;
using GridActors.Grains.Notifications;
using GridActors.Grains.Scheduling;
using GridActors.Grains.Webhooks;
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
        silo.AddGridActorsDirectory(configuration);
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
        silo.Services.AddGridActorsNotifications(configuration);
        silo.Services.TryAddSingleton(WebhookOptionsFrom(configuration));
        silo.Services.TryAddSingleton<WebhookSender>();
        // The wake-up dispatcher (deadlines, outbox retries) runs on one durable reminder; make sure it exists.
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IWakeUpDispatcherGrain>(0).Start());
        return silo;
    }

    /// <summary>The settings of webhook deliveries (<see cref="WebhookOptions"/>); the gateway checks URLs by the same one.</summary>
    public static WebhookOptions WebhookOptionsFrom(IConfiguration configuration) => new(
        configuration.GetValue("Webhooks:AllowPrivateAddresses", WebhookOptions.Default.AllowPrivateAddresses),
        TimeSpan.FromSeconds(configuration.GetValue("Webhooks:TimeoutSeconds", WebhookOptions.Default.Timeout.TotalSeconds)));

    /// <summary>
    /// <c>Dashboard:Enabled</c> (default false): the Orleans dashboard, collected by every silo and served by the gateway.
    /// Off unless asked for, because it costs even when nobody looks: its call filter sits on every grain call and its
    /// own meter provider reads Orleans' instruments every second (7 % of a grid read's throughput, 3-4 % of a report's
    /// CPU, docs/operations.md). Operators watch the service through its traces and metrics.
    /// </summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", false);

    /// <summary>
    /// <c>Orleans:StrongDirectory</c> (default: on with PostgreSQL, off on SQLite): Orleans' strongly consistent grain
    /// directory (<c>AddDistributedGrainDirectory</c>) in place of its default, eventually consistent one. The default
    /// directory loses the share of its records a crashed silo held, so for a while a call could place a second
    /// activation of a grain whose first still answers elsewhere; a queue activation reads storage only when it
    /// activates, so the second one never lists what the first took (docs/cluster.md, "One activation per grain after a
    /// silo loss"). The strong directory recovers a crashed silo's ranges from the live silos before answering for them
    /// and holds new registrations of the dead silo's grains for a lease, so a grain never has two activations. One silo
    /// (the embedded profile) has no partition to lose, so it keeps Orleans' default. Every silo of a cluster must agree.
    /// </summary>
    public static ISiloBuilder AddGridActorsDirectory(this ISiloBuilder silo, IConfiguration configuration)
    {
        var clustered = StorageOptions.FromConfiguration(configuration).Provider == StorageProvider.PostgreSQL;
        if (StrongDirectory(configuration, clustered))
        {
            // Marked experimental by Orleans 10 (ORLEANSEXP003); chosen on the evidence in docs/cluster.md.
#pragma warning disable ORLEANSEXP003
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        }
        return silo;
    }

    /// <summary>Whether <see cref="AddGridActorsDirectory"/> uses the strongly consistent directory.</summary>
    public static bool StrongDirectory(IConfiguration configuration, bool clustered) => configuration.GetValue("Orleans:StrongDirectory", clustered);

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
