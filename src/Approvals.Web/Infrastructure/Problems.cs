using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Web.Infrastructure;

/// <summary>Problem details with a message a person can act on.</summary>
public static class Problems
{
    // The types ASP.NET Core does not fill in by itself: every problem answer names one.
    private static readonly Dictionary<int, string> MoreTypes = new()
    {
        [StatusCodes.Status413PayloadTooLarge] = "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        [StatusCodes.Status428PreconditionRequired] = "https://tools.ietf.org/html/rfc6585#section-3",
        [StatusCodes.Status429TooManyRequests] = "https://tools.ietf.org/html/rfc6585#section-4",
    };

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
        TypedResults.Problem(title: "Precondition required", detail: detail, statusCode: StatusCodes.Status428PreconditionRequired,
            type: MoreTypes[StatusCodes.Status428PreconditionRequired]);

    /// <summary>A body over the limit: 413, with the field <c>body</c> named as in a validation problem.</summary>
    public static ProblemHttpResult TooLarge(string detail) =>
        FieldProblem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", "body", detail);

    /// <summary>A body the API cannot read as JSON: 415, naming the Content-Type header.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        FieldProblem(StatusCodes.Status415UnsupportedMediaType, "The request body is not UTF-8 JSON.", "Content-Type", detail);

    /// <summary>Fills in what a problem answer may lack, whoever wrote it: a <c>type</c> for every status.</summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        problem.Type ??= MoreTypes.GetValueOrDefault(problem.Status.Value, "about:blank");
    }

    public static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(title: "Too many requests", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);

    /// <summary>"Objectives[0].Goals[1].Text" becomes "objectives[0].goals[1].text", as the JSON says it.</summary>
    public static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..]));

    private static ProblemHttpResult FieldProblem(int status, string title, string field, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = MoreTypes.GetValueOrDefault(status),
        });
}
