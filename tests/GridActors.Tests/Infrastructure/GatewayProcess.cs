using System.Diagnostics;
using System.Globalization;

namespace GridActors.Tests.Infrastructure;

/// <summary>
/// The gateway (co-hosting its silo) as a process of its own, built next to the tests, on SQLite in a given folder. A test
/// kills it the way a power cut or the kernel's out-of-memory killer would: no shutdown, no deactivation, no last write.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, HttpClient http)
    {
        _process = process;
        Http = http;
    }

    /// <summary>A client that sends the bootstrap admin key.</summary>
    public HttpClient Http { get; }

    public static async Task<GatewayProcess> StartAsync(string dataDirectory)
    {
        var port = GatewayApp.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GridActors.Gateway.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Storage__Provider"] = "Sqlite",
            ["Storage__DataDirectory"] = dataDirectory,
            ["Orleans__SiloPort"] = GatewayApp.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = GatewayApp.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Auth__BootstrapAdminKey"] = GatewayApp.AdminKey,
            ["RateLimits__PermitsPerSecond"] = "100000",
            ["RateLimits__Burst"] = "100000",
            ["RateLimits__FailedKeysBurst"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the gateway process did not start");
        // Read its output so that it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", GatewayApp.AdminKey);
        var gateway = new GatewayProcess(process, http);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (process.HasExited || DateTime.UtcNow > until)
            {
                await gateway.DisposeAsync();
                Assert.Fail($"the gateway process did not become ready (exited: {process.HasExited})");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process at once (SIGKILL) and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
