using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Infrastructure;

/// <summary>Problem details with a message a person can act on.</summary>
public static class Problems
{
    public static ValidationProblem Validation(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "The request is not valid.",
            detail: message);

    public static ValidationProblem Validation(IEnumerable<ValidationFailure> failures) =>
        TypedResults.ValidationProblem(
            failures
                .GroupBy(f => JsonPath(f.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray()),
            title: "The request is not valid.",
            detail: string.Join(" ", failures.Select(f => f.ErrorMessage).Distinct()));

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(title: "Precondition failed", detail: detail, statusCode: StatusCodes.Status412PreconditionFailed);

    public static ProblemHttpResult PreconditionRequired(string detail) =>
        TypedResults.Problem(title: "Precondition required", detail: detail, statusCode: StatusCodes.Status428PreconditionRequired);

    public static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(title: "Too many requests", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);

    /// <summary>"Objectives[0].Goals[1].Text" becomes "objectives[0].goals[1].text", as the JSON says it.</summary>
    public static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..]));
}
