using System.Diagnostics;
using System.Globalization;
using GridActors.Grains.Infrastructure;
using GridActors.Grains.Members;
using GridActors.Grains.Units;
using Orleans.Configuration;

namespace GridActors.Bench;

/// <summary>
/// B5: managed memory per idle activated grain. A silo in this process with in-memory grain storage (the figure is
/// the cost of an activation, not of a database); N grains of one kind are activated by one read each and left idle;
/// memory is <see cref="GC.GetTotalMemory(bool)"/> after forced full collections, before and after, divided by N.
/// Kinds: <c>empty</c> (baseline: no state, string key like a grid's), <c>grid</c> (the grid unit grain, 15-digit key)
/// and <c>member</c> (the Party member grain, Guid key). A registered grid or member holds more state than a freshly
/// activated empty one: this measures activation, with the state object the grain allocates on activation.
/// </summary>
public static class ActivationMemory
{
    public static async Task<int> RunAsync(Options options)
    {
        var kind = options.Get("kind");
        var count = options.Int("count", 100_000);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Services.AddSingleton<GridClock>();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: options.Int("silo-port", 21111), gatewayPort: options.Int("gateway-port", 40000));
            silo.AddMemoryGrainStorage(StorageNames.Grains);
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(2));
        });
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        Func<int, Task> activate = kind switch
        {
            "empty" => i => grains.GetGrain<IEmptyGrain>(GridKey(i)).Ping(),
            "grid" => i => grains.GetGrain<IGridGrain>(GridKey(i)).Get(),
            "member" => i => grains.GetMember(MemberKey(i)).Get(),
            _ => throw new ArgumentException($"--kind must be empty, grid or member, not {kind}"),
        };

        // Warm up (JIT, storage grains, the directory) with grains outside the measured range.
        await ActivateAsync(activate, count, 2_000);
        var before = Settle();
        var watch = Stopwatch.StartNew();
        await ActivateAsync(activate, 0, count);
        var activationRate = count / watch.Elapsed.TotalSeconds;
        var after = Settle();
        var perGrain = (after - before) / (double)count;
        Console.WriteLine($"  {count:N0} {kind} grains activated at {activationRate:0}/s; managed heap {before / 1048576.0:0} MB -> {after / 1048576.0:0} MB: {perGrain:0} bytes each");
        options.Record($"b5.{kind}.{count}.bytes", perGrain);
        options.Record($"b5.{kind}.{count}.activations.per.s", activationRate);
        // Keep the grains alive (and referenced by the catalog) until after the measurement.
        GC.KeepAlive(grains);
        await host.StopAsync(TimeSpan.FromSeconds(5));
        return 0;
    }

    /// <summary>Grid-shaped keys 110101 + township + village + grid: up to 999 grids a village, 800 villages a township.</summary>
    private static string GridKey(int i)
    {
        var g = (i % 999) + 1;
        var v = (i / 999 % 799) + 1;
        var t = (i / (999 * 799)) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"110101{100 + t:D3}{100 + v:D3}{g:D3}");
    }

    private static Guid MemberKey(int i) => new(i, 0x4242, 0x4242, [1, 2, 3, 4, 5, 6, 7, 8]);

    private static async Task ActivateAsync(Func<int, Task> activate, int from, int count)
    {
        const int InFlight = 512;
        var next = from - 1;
        var end = from + count;
        var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < end)
            {
                await activate(i);
            }
        }));
        await Task.WhenAll(workers);
    }

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Thread.Sleep(200);
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
