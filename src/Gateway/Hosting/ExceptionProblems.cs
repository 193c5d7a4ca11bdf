using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// Turns what escapes a handler into problem+json: a body that is not valid JSON becomes 400 naming the
/// position of the error, a field of the wrong type or an unknown field 400 naming the field (BodyProblems), a
/// query, route or header value that does not parse 400 naming the parameter; an unreachable cluster or database becomes 503 with Retry-After. Nothing reaches the caller
/// as a bare 500 with a stack trace.
/// </summary>
internal sealed partial class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => BodyProblems.Describe(context, json),
            // A handler that reads its body itself meets the same rules as one the framework binds.
            JsonException json => BodyProblems.Describe(context, json),
            BadHttpRequestException bad when BodyProblems.Parameter(bad) is { } parameter => Invalid(parameter.Field, parameter.Rule),
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request is not valid",
                Detail = bad.Message,
            },
            _ when BodyProblems.Form(context, exception) is { } form => Invalid(form.Field, form.Rule),
            _ when IsUnavailable(exception) => Unavailable(context, exception),
            _ => null,
        };

        if (problem is null)
        {
            LogUnexpected(logger, exception, context.Request.Method, context.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Unexpected error",
                Detail = "The error was logged with the trace id of this request.",
            };
        }

        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static HttpValidationProblemDetails Invalid(string field, string rule) =>
        new(new Dictionary<string, string[]> { [field] = [rule] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Type = "https://gridactors.org/problems/validation",
        };

    /// <summary>Seconds a caller is told to wait (Retry-After) when the cluster or its database did not answer.</summary>
    internal const int RetryAfterSeconds = 5;

    /// <summary>
    /// The cluster or the storage behind it is not there right now, and the same request may succeed later:
    /// a silo that vanished (the call was rejected or its connection failed), no silo or gateway at all, a
    /// gateway that sheds load, a call that timed out, a database that refused or dropped the connection
    /// (the storage bridge wraps it in an OrleansException naming the storage provider), or a stale write
    /// (InconsistentStateException: a second activation wrote first; the failing one is dropped, so the next
    /// call reads the newer state).
    /// </summary>
    internal static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
                or GatewayTooBusyException or Orleans.Storage.InconsistentStateException or TimeoutException
                or System.Data.Common.DbException or System.Net.Sockets.SocketException)
            {
                return true;
            }
            if (e is OrleansException && e.Message.Contains("storage", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private ProblemDetails Unavailable(HttpContext context, Exception exception)
    {
        // No stack trace: this is the cluster or database being away, which the operator sees as a rate of these lines.
        var cause = exception.GetBaseException();
        LogUnavailable(logger, context.Request.Method, context.Request.Path, cause.GetType().Name, cause.Message.Split('\n')[0]);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service unavailable",
            Detail = "The cluster or its database did not answer. Retry after the time in Retry-After; a retried POST with the same Idempotency-Key is never applied twice.",
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "503 on {Method} {Path}: the cluster or its database did not answer ({Exception}: {Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exception, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
