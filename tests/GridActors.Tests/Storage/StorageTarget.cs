using GridActors.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace GridActors.Tests.Storage;

/// <summary>One storage a test runs against (a SQLite directory or a fresh PostgreSQL database), cleaned up on dispose.</summary>
public sealed class StorageTarget : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanup;

    public StorageTarget(IReadOnlyDictionary<string, string?> settings, Func<ValueTask> cleanup)
    {
        Settings = settings;
        Configuration = Configure(settings);
        _cleanup = cleanup;
    }

    /// <summary>The <c>Storage:*</c> settings, as Program would read them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IConfiguration Configuration { get; }

    public StorageOptions Options => StorageOptions.FromConfiguration(Configuration);

    /// <summary>Configuration made of these settings plus <paramref name="extra"/>.</summary>
    public IConfiguration With(IReadOnlyDictionary<string, string?> extra) =>
        Configure(Settings.Concat(extra).ToDictionary(pair => pair.Key, pair => pair.Value));

    /// <summary>
    /// A one-silo in-process test cluster whose silo uses the project's persistence (grain storage,
    /// reminders, schema hook) on this target. <paramref name="serviceId"/> must be reused to see the
    /// same rows after a restart.
    /// </summary>
    public async Task<InProcessTestCluster> StartClusterAsync(string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.UseGridActorsPersistence(Configuration));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _cleanup();

    private static IConfiguration Configure(IEnumerable<KeyValuePair<string, string?>> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
