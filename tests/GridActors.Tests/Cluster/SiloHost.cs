using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GridActors.Grains.Infrastructure;
using GridActors.Silo.Hosting;
using GridActors.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GridActors.Tests.Cluster;

/// <summary>
/// A silo as <c>src/Silo</c> runs it in the cluster profile (<see cref="SiloHostingExtensions.AddGridActorsSilo"/>:
/// PostgreSQL membership, storage, reminders and streams, real TCP ports), inside the test process, so that a
/// gateway in client mode finds it through the membership table.
/// </summary>
internal sealed class SiloHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private SiloHost(IHost host, int gatewayPort)
    {
        _host = host;
        GatewayPort = gatewayPort;
    }

    public int GatewayPort { get; }

    /// <summary>Storage, service and cluster settings shared by the silos and the gateways of one test.</summary>
    public static Dictionary<string, string?> ClusterSettings(PostgresDatabase database) => new()
    {
        ["Storage:Provider"] = "PostgreSQL",
        ["Storage:ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=20",
        ["Storage:ServiceId"] = "gateway-test-" + Guid.NewGuid().ToString("N")[..8],
        ["Storage:ClusterId"] = "gateway-test-" + Guid.NewGuid().ToString("N")[..8],
    };

    /// <param name="clock">Domain time (<see cref="GridClock"/>) shared with the test, so it can move deadlines and outbox retries.</param>
    public static async Task<SiloHost> StartAsync(IReadOnlyDictionary<string, string?> settings, FakeTimeProvider clock)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new GridClock(clock));
        builder.UseOrleans(silo => silo.AddGridActorsSilo(configuration));
        var host = builder.Build();
        await host.StartAsync();
        return new SiloHost(host, gatewayPort);
    }

    /// <summary>Stops the silo without a graceful hand-over: activations are abandoned, queued stream events lost.</summary>
    public async Task KillAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await _host.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
