using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// RFC 9457 problem+json answers, built the same way everywhere: 400 names each field and the rule it broke.
/// </summary>
public static class Problems
{
    public static ValidationProblem Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid", type: ProblemTypes.Validation);

    public static ValidationProblem Invalid(string field, string rule)
    {
        var errors = new ValidationErrors();
        errors.Add(field, rule);
        return Invalid(errors);
    }

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.Forbidden);

    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, extensions: extensions);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(title: "The resource has changed", detail: detail, statusCode: StatusCodes.Status412PreconditionFailed, type: ProblemTypes.PreconditionFailed);
}

/// <summary>
/// Every problem's <c>type</c> is <c>https://gridactors.org/problems/&lt;slug&gt;</c>, one slug per kind of problem, so a
/// client can switch on it. Answers written without a type (ASP.NET Core's own 404, 405, 413 and 500, which would carry
/// links into RFC 9110) get the slug of their status from <see cref="Complete"/>.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "https://gridactors.org/problems/";
    public const string Validation = Prefix + "validation";
    public const string BadRequest = Prefix + "bad-request";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string Conflict = Prefix + "conflict";
    public const string PreconditionFailed = Prefix + "precondition-failed";
    public const string TooLarge = Prefix + "too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string RateLimited = Prefix + "rate-limited";
    public const string Unexpected = Prefix + "unexpected";
    public const string Unavailable = Prefix + "unavailable";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status412PreconditionFailed => PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        >= 500 => Unexpected,
        _ => Prefix + string.Join('-', ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)),
    };

    /// <summary>
    /// Run on every problem the gateway writes (ProblemDetailsOptions.CustomizeProblemDetails): the type from this
    /// scheme, and a 413 that names the limit the body broke.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Type is null || !problem.Type.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem.Type = ForStatus(status);
        }
        // Kestrel's own 413 ("Request body too large...", or none when the status code pages write it) names no limit a
        // caller can act on. The limit is the request's: 1 MB for JSON, more on the import route.
        if (status == StatusCodes.Status413PayloadTooLarge && problem.Type == TooLarge
            && (problem.Detail is null || problem.Detail.StartsWith("Request body too large", StringComparison.Ordinal))
            && context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit)
        {
            problem.Title = "The body is too large";
            problem.Detail = string.Create(CultureInfo.InvariantCulture,
                $"The body is larger than {limit:N0} bytes, the most this endpoint accepts; send a smaller body.");
        }
    }
}
