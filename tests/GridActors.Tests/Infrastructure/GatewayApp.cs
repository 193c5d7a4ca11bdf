using System.Net;
using System.Net.Sockets;
using GridActors.Grains.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GridActors.Tests.Infrastructure;

/// <summary>
/// The real gateway (co-hosting its silo) on Kestrel, over real HTTP, on real storage: a fresh SQLite file
/// by default, or PostgreSQL. Time comes from a <see cref="FakeTimeProvider"/> the test moves by hand.
/// Starting a second app on the same settings is a restart on the same storage.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private Action<IServiceCollection>? _services;

    /// <summary>The bootstrap admin key every test app starts with; <see cref="Start"/> sends it by default.</summary>
    public const string AdminKey = "test-bootstrap-admin-key";

    public FakeTimeProvider Clock { get; }

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    private GatewayApp(Dictionary<string, string?> settings, FakeTimeProvider clock)
    {
        _settings = settings;
        Clock = clock;
        UseKestrel(0);
    }

    /// <summary>A gateway on a new, empty SQLite database in a temporary folder.</summary>
    public static GatewayApp OnSqlite(FakeTimeProvider? clock = null) => new(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N")),
    }, clock ?? NewClock());

    public static GatewayApp OnPostgres(string connectionString, FakeTimeProvider? clock = null) => new(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "PostgreSQL",
        ["Storage:ConnectionString"] = connectionString,
    }, clock ?? NewClock());

    /// <summary>Another gateway on the same storage and clock: a restart.</summary>
    public GatewayApp Restarted() => new(new Dictionary<string, string?>(_settings.Where(s => !s.Key.StartsWith("Orleans:", StringComparison.Ordinal))), Clock);

    /// <summary>Sets one configuration value (as an environment variable would); call before <see cref="Start"/>.</summary>
    public GatewayApp WithSetting(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Adds services for a test, e.g. an in-memory trace exporter; call before <see cref="Start"/>.</summary>
    public GatewayApp WithTestServices(Action<IServiceCollection> configure)
    {
        _services += configure;
        return this;
    }

    /// <summary>Starts the app; the client talks to it over a real socket.</summary>
    public HttpClient Start()
    {
        StartServer();
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>A client that sends <paramref name="apiKey"/>, or no key at all.</summary>
    public HttpClient ClientWith(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    /// <summary>
    /// A client that sends bodies as a careful client does (Expect: 100-continue), for bodies the gateway refuses by size
    /// (413): the refusal then arrives before the body is written. Sent whole, a large body races the server's early
    /// answer and close, and the client may see a broken pipe instead of the answer.
    /// </summary>
    public HttpClient LargeBodyClientWith(string apiKey)
    {
        using var kestrel = CreateClient(); // its address is the server's real port
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = kestrel.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        client.DefaultRequestHeaders.ExpectContinue = true;
        return client;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero)); // 09:00 in China

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Each app gets its own Orleans ports, so test classes run side by side.
        _settings.TryAdd("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        _settings.TryAdd("Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        _settings.TryAdd("Streams:PollingPeriodMs", "10");
        _settings.TryAdd("Auth:BootstrapAdminKey", AdminKey);
        _settings.TryAdd("RateLimits:PermitsPerSecond", "100000");
        _settings.TryAdd("RateLimits:Burst", "100000");
        _settings.TryAdd("RateLimits:FailedKeysBurst", "100000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new GridClock(Clock));
            _services?.Invoke(services);
        });
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
