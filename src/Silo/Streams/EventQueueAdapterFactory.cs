using System.Data.Common;
using GridActors.Grains.Infrastructure;
using GridActors.Silo.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;

namespace GridActors.Silo.Streams;

/// <summary>
/// The durable stream over the project's own table <c>stream_event</c>, on both storage profiles: the adapter, Orleans'
/// <see cref="SimpleQueueAdapterCache"/> and the hash ring of <see cref="EventQueues"/> (docs/event-path.md).
/// </summary>
internal sealed class EventQueueAdapterFactory(
    string name, EventQueueAdapter adapter, EventQueues queues, SimpleQueueAdapterCache cache, ILogger<KeepFailedDeliveries> failures)
    : IQueueAdapterFactory
{
    public static EventQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains) as GroupCommitGrainStorage
            ?? throw new InvalidOperationException($"Stream {name} appends through the group-commit grain storage {StorageNames.Grains}.");
        var options = services.GetRequiredService<StorageOptions>();
        var sql = StreamEventSql.For(options.Provider, services.GetRequiredKeyedService<DbDataSource>(StorageSiloBuilderExtensions.DataSourceKey),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
        var queues = services.GetRequiredService<EventQueues>();
        var safety = services.GetRequiredService<EventStreamOptions>().SafetyRead;
        var adapter = new EventQueueAdapter(name, storage, sql, queues, services.GetRequiredService<Serializer>(), safety);
        var cache = new SimpleQueueAdapterCache(services.GetOptionsByName<SimpleQueueCacheOptions>(name), name, services.GetRequiredService<ILoggerFactory>());
        return new EventQueueAdapterFactory(name, adapter, queues, cache, services.GetRequiredService<ILogger<KeepFailedDeliveries>>());
    }

    public string Name => name;

#pragma warning disable CS0672, CS0618 // Orleans 10.4 still calls the overloads without a cancellation token.
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(adapter);
#pragma warning restore CS0672, CS0618

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    public IStreamQueueMapper GetStreamQueueMapper() => queues.Mapper;

    // A delivery that still fails after the pulling agent's retries is kept and delivered again, never dropped (Orleans'
    // no-op handler would let its event be deleted with its batch).
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new KeepFailedDeliveries(queueId.GetNumericId(), queues, failures));
}

/// <summary><c>Streams:SafetyReadMs</c> (default 1,000): the longest a receiver goes without reading its queue when no signal comes.</summary>
internal sealed record EventStreamOptions(TimeSpan SafetyRead)
{
    public static EventStreamOptions FromConfiguration(IConfiguration configuration)
    {
        var ms = configuration.GetValue("Streams:SafetyReadMs", 1000);
        if (ms is < 10 or > 600_000)
        {
            throw new InvalidOperationException($"Streams:SafetyReadMs must be between 10 and 600000 (got {ms}); environment variable Streams__SafetyReadMs.");
        }
        return new EventStreamOptions(TimeSpan.FromMilliseconds(ms));
    }
}
