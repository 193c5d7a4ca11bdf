using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Hosting;

/// <summary>
/// The gateway as a process of its own, started from a working directory of the test's choosing (its settings file is
/// then not found, as when started from the repository root), with every line it writes to its console kept.
/// </summary>
internal sealed class GatewayOutput : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private GatewayOutput(Process process, int httpPort)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public HttpClient Http { get; }

    /// <summary>Every line written so far, standard output and error together, in the order they arrived.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    public Process Process => _process;

    /// <summary>Starts the gateway on SQLite in a new folder and free ports; <paramref name="settings"/> override those.</summary>
    public static GatewayOutput Start(IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gridactors-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var httpPort = GatewayApp.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GridActors.Gateway.dll")])
        {
            // Not the folder of the gateway's appsettings.json.
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Storage__Provider"] = "Sqlite",
            ["Storage__DataDirectory"] = Path.Combine(folder, "data"),
            ["Orleans__SiloPort"] = GatewayApp.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = GatewayApp.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Auth__BootstrapAdminKey"] = GatewayApp.AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        // Whatever the machine running the tests sets for logging is not what a user starting the service has.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(key);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("the gateway process did not start");
        var output = new GatewayOutput(process, httpPort);
        process.OutputDataReceived += (_, e) => output.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => output.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return output;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    /// <summary>Waits until /health/ready answers 200, or fails the test if the process exits or a minute passes.</summary>
    public async Task WaitUntilReady()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await Http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (_process.HasExited)
            {
                Assert.Fail($"the gateway exited ({_process.ExitCode}):\n{string.Join('\n', Lines)}");
            }
            Assert.True(DateTime.UtcNow < until, $"the gateway was not ready within a minute:\n{string.Join('\n', Lines)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit by itself; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> Exited(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
        _process.Dispose();
        Http.Dispose();
        return ValueTask.CompletedTask;
    }
}
