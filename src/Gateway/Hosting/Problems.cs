using GridActors.Grains.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// RFC 9457 problem+json answers, built the same way everywhere: 400 names each field and the rule it broke.
/// </summary>
public static class Problems
{
    public static ValidationProblem Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid", type: "https://gridactors.org/problems/validation");

    public static ValidationProblem Invalid(string field, string rule)
    {
        var errors = new ValidationErrors();
        errors.Add(field, rule);
        return Invalid(errors);
    }

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound, type: "https://gridactors.org/problems/not-found");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden, type: "https://gridactors.org/problems/403");

    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, type: "https://gridactors.org/problems/conflict", extensions: extensions);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(title: "The resource has changed", detail: detail, statusCode: StatusCodes.Status412PreconditionFailed, type: "https://gridactors.org/problems/precondition-failed");
}
