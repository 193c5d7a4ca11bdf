using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace GridActors.Bench;

/// <summary>
/// Every garbage-collection pause of a .NET process, read over EventPipe (what dotnet-trace and dotnet-counters
/// use): the runtime's GC events at informational level; a pause runs from GCSuspendEE begin to GCRestartEE end,
/// which is how the runtime itself defines a pause. Works on another process (by id) or on this one.
/// </summary>
public sealed class GcPauseMonitor : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly object _gate = new();
    private double _suspendedAt = -1;
    private double _longest;
    private double _total;
    private int _count;
    private int _gen2;
    private int _generation = -1;
    private int _longestGeneration = -1;

    public GcPauseMonitor(int processId)
    {
        var client = new DiagnosticsClient(processId);
        _session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC)],
            requestRundown: false);
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Clr.GCSuspendEEStart += e =>
        {
            lock (_gate)
            {
                _suspendedAt = e.TimeStampRelativeMSec;
            }
        };
        _source.Clr.GCRestartEEStop += e =>
        {
            lock (_gate)
            {
                if (_suspendedAt < 0)
                {
                    return;
                }
                var pause = e.TimeStampRelativeMSec - _suspendedAt;
                _suspendedAt = -1;
                _count++;
                _total += pause;
                if (pause > _longest)
                {
                    _longest = pause;
                    _longestGeneration = _generation;
                }
                _generation = -1;
            }
        };
        _source.Clr.GCStart += e =>
        {
            lock (_gate)
            {
                // The deepest collection a pause ran (a background gen2 may start inside a gen0 or gen1 pause).
                _generation = Math.Max(_generation, e.Depth);
            }
            if (e.Depth == 2)
            {
                Interlocked.Increment(ref _gen2);
            }
        };
        _processing = Task.Run(() => _source.Process());
    }

    /// <summary>The longest pause so far, in milliseconds, with its generation (-1: not seen), the count and total.</summary>
    public (double LongestMs, int LongestGeneration, int Count, double TotalMs, int Gen2) Snapshot()
    {
        lock (_gate)
        {
            return (_longest, _longestGeneration, _count, _total, Volatile.Read(ref _gen2));
        }
    }

    /// <summary>Starts a new window: the longest pause is counted again from zero.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _longest = 0;
            _longestGeneration = -1;
            _total = 0;
            _count = 0;
            Interlocked.Exchange(ref _gen2, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ServerNotAvailableException or TimeoutException or IOException)
        {
            // The process has gone; what was read is all there is.
        }
        await Task.WhenAny(_processing, Task.Delay(TimeSpan.FromSeconds(5)));
        _source.Dispose();
        _session.Dispose();
    }

    /// <summary>
    /// <c>gc-watch --pid N --key NAME</c>: watches a process until SIGTERM, SIGINT or the process ends, then records
    /// <c>NAME.maxpause.ms</c>, <c>NAME.pauses</c> and <c>NAME.totalpause.ms</c>.
    /// </summary>
    public static async Task<int> WatchAsync(Options options) => await GcPauses.WatchAsync(options);
}

public static class GcPauses
{
    public static async Task<int> WatchAsync(Options options)
    {
        var pid = options.Int("pid", 0);
        var key = options.Get("key", "gc");
        var stop = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        var monitor = new GcPauseMonitor(pid);
        var ready = options.Get("ready", "");
        if (ready.Length > 0)
        {
            await File.WriteAllTextAsync(ready, "watching\n");
        }
        var exited = WaitForExitAsync(pid);
        await Task.WhenAny(stop.Task, exited);
        var (longest, generation, count, total, gen2) = monitor.Snapshot();
        await monitor.DisposeAsync();
        options.Record($"{key}.maxpause.ms", longest);
        options.Record($"{key}.maxpause.gen", generation);
        options.Record($"{key}.pauses", count);
        options.Record($"{key}.totalpause.ms", total);
        options.Record($"{key}.gen2", gen2);
        return 0;
    }

    private static async Task WaitForExitAsync(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            await process.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }
}
