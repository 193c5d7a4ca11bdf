using System.Globalization;
using GridActors.Silo.Storage;
using Npgsql;

namespace GridActors.Silo.Streams;

/// <summary>
/// On PostgreSQL, one connection per silo listens on <see cref="PostgresGrainStateSql.StreamEventChannel"/>: every commit
/// that appended to the stream, on any silo, names its queues there, and the listener marks them for their receivers
/// (<see cref="EventQueues"/>). While the connection is down no signal arrives, so every queue is marked when it
/// (re)connects; between, the receivers' safety reads (<c>Streams:SafetyReadMs</c>) bound how late an event can be.
/// </summary>
internal sealed partial class StreamEventListener(StorageOptions options, EventQueues queues, ILogger<StreamEventListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.ResolveConnectionString());
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var queue))
                    {
                        queues.MarkDirty(queue);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresGrainStateSql.StreamEventChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                queues.MarkAllDirty();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                LogListenLost(logger, e);
                queues.MarkAllDirty();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream events: the LISTEN connection failed; reconnecting in 1 s (receivers read every queue meanwhile)")]
    private static partial void LogListenLost(ILogger logger, Exception exception);
}
