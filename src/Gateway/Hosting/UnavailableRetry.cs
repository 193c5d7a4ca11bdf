namespace GridActors.Gateway.Hosting;

/// <summary>
/// Marks an endpoint that derives what it writes from the request's Idempotency-Key, so sending the same
/// request twice has the effect of sending it once (e.g. POST /grids/{code}/issues: the key names the issue).
/// </summary>
public sealed class HonoursIdempotencyKey
{
    public static readonly HonoursIdempotencyKey Instance = new();

    private HonoursIdempotencyKey()
    {
    }
}

public static class HonoursIdempotencyKeyExtensions
{
    /// <summary>Declares that a retried request with the same Idempotency-Key is applied once; the gateway may then retry it.</summary>
    public static TBuilder HonoursIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(Hosting.HonoursIdempotencyKey.Instance);
}

/// <summary>
/// Repeats a request that failed because a silo vanished or the database blinked, when repeating it cannot
/// apply it twice: GET, HEAD, OPTIONS, PUT and DELETE without preconditions (idempotent by HTTP's rules and
/// by this API's handlers, which replace or remove whole resources), and requests with an Idempotency-Key to
/// an endpoint that honours it. Everything else fails at once with 503 (see <see cref="ExceptionProblems"/>):
/// an escalation whose answer was lost may have been applied, and only the caller can know whether to send it again.
/// </summary>
/// <remarks>
/// Orleans reroutes a call to a grain whose silo died as soon as membership declares the silo dead; what
/// fails is the call already in flight to it, and calls in the seconds before the declaration (3-6 s after a
/// silo process was killed on one machine, docs/cluster.md). Four retries over about 3.75 s cover that window;
/// a caller told 503 would wait the 5 s of Retry-After anyway. A retry runs the endpoint again from the start;
/// it is possible only while nothing of the answer has been sent.
/// </remarks>
internal sealed partial class UnavailableRetry(RequestDelegate next, ILogger<UnavailableRetry> logger)
{
    internal static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsSafeToRepeat(context))
        {
            await next(context);
            return;
        }

        // The body is read again on a retry: keep it (up to Kestrel's 1 MB limit; small bodies stay in memory).
        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            context.Request.EnableBuffering();
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (Exception e) when (attempt < Delays.Length && IsWorthRetrying(e, attempt)
                && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                LogRetrying(logger, context.Request.Method, context.Request.Path, attempt + 1, e.GetType().Name);
                await Task.Delay(Jittered(Delays[attempt]), context.RequestAborted);
                if (hasBody)
                {
                    context.Request.Body.Position = 0;
                }
            }
        }
    }

    internal static bool IsSafeToRepeat(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return true;
        }
        if (HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method))
        {
            // A conditional write that was applied before its answer was lost would fail its own precondition on a retry.
            var headers = request.Headers;
            return headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0 && headers.IfUnmodifiedSince.Count == 0;
        }
        if (request.Headers["Idempotency-Key"].Count == 0 || context.GetEndpoint() is not { } endpoint)
        {
            return false;
        }
        return endpoint.Metadata.GetMetadata<HonoursIdempotencyKey>() is not null;
    }

    // A call that timed out has already kept the caller waiting for the whole response timeout. During a silo
    // loss that is a request stranded in the dead silo's gateway, and one more try goes through a live one;
    // a second timeout means something else is wrong: answer 503.
    private static bool IsWorthRetrying(Exception exception, int attempt) =>
        ExceptionProblems.IsUnavailable(exception) && (attempt == 0 || !IsTimeout(exception));

    private static bool IsTimeout(Exception exception) => exception is TimeoutException || exception.GetBaseException() is TimeoutException;

    // Retries of many requests that failed together should not arrive together.
    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() / 2));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: the cluster did not answer ({Exception}); retry {Attempt}")]
    private static partial void LogRetrying(ILogger logger, string method, string path, int attempt, string exception);
}
