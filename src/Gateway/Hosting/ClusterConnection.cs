namespace GridActors.Gateway.Hosting;

/// <summary>
/// How a gateway in client mode (<c>Gateway:CoHostSilo=false</c>) holds on to the cluster: it keeps trying to
/// connect while no silo is up yet (a gateway pod may start before the silos, or while they restart), instead
/// of Orleans' default of giving up after about 20 seconds and stopping the process. Until it connects the
/// host does not finish starting, so /health/startup stays unanswered and an orchestrator waits.
/// </summary>
internal sealed partial class KeepConnecting(ILogger<KeepConnecting> logger) : IClientConnectionRetryFilter
{
    internal static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        var attempt = Interlocked.Increment(ref _attempts);
        // A misconfigured connection string or cluster id fails the same way every time: say so, but not every 2 s.
        if (attempt is 1 or 5 || attempt % 30 == 0)
        {
            LogWaiting(logger, attempt, exception.GetType().Name, exception.Message);
        }
        try
        {
            await Task.Delay(Delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo answered yet (attempt {Attempt}, {Exception}: {Reason}); still trying. Check Storage:ConnectionString, Storage:ClusterId and that a silo runs")]
    private static partial void LogWaiting(ILogger logger, int attempt, string exception, string reason);
}

public static class ClusterConnectionExtensions
{
    /// <summary>Default of <c>Gateway:ResponseTimeoutSeconds</c>.</summary>
    public const int DefaultResponseTimeoutSeconds = 10;

    internal static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A client-mode gateway keeps trying to reach the cluster while no silo is up (<see cref="KeepConnecting"/>),
    /// gives up on a grain call after <c>Gateway:ResponseTimeoutSeconds</c> (default 10 s, Orleans' own is 30 s),
    /// and reads the list of silos every 15 s.
    /// A request that was in flight through a silo's gateway when that silo died gets no answer at all (the
    /// client fails pending calls only on timeout), so this is how long such a request can hang; every call in
    /// this service takes milliseconds, so 10 s only ever cuts off a lost one.
    /// </summary>
    public static IClientBuilder UseGridActorsClientResilience(this IClientBuilder client, IConfiguration configuration)
    {
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Gateway:ResponseTimeoutSeconds", DefaultResponseTimeoutSeconds));
        client.Configure<Orleans.Configuration.ClientMessagingOptions>(messaging => messaging.ResponseTimeout = timeout);
        // Silos that join are used within 15 s instead of Orleans' 1 minute: one membership-table read per gateway per period.
        client.Configure<Orleans.Configuration.GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
        return client.UseConnectionRetryFilter<KeepConnecting>();
    }

    /// <summary>Repeats requests that are safe to repeat when a silo vanished or the database blinked (<see cref="UnavailableRetry"/>).</summary>
    public static IApplicationBuilder UseRetryWhenUnavailable(this IApplicationBuilder app) =>
        app.UseMiddleware<UnavailableRetry>();
}
