using Microsoft.AspNetCore.Diagnostics;

namespace Approvals.Web.Features.Ui;

/// <summary>
/// Keeps an exception escaping an /api endpoint a problem details 500 (as the exception handler writes by default),
/// so only pages are re-executed to the friendly error page (see <see cref="UiExtensions.AddWebUi"/>).
/// </summary>
internal sealed class ApiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // By now the handler has set the request's path to the error page; the feature keeps the one that failed.
        var failed = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value;
        if (!UiExtensions.IsApi(new PathString(failed)))
        {
            return false;
        }

        // Problem details whatever Accept says (the problem details service alone gives up on, e.g., Accept: text/csv).
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Detail = "The server failed to answer. Try again; if it keeps failing, tell the operators the traceId.",
        };
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier;
        await TypedResults.Problem(problem).ExecuteAsync(context);
        return true;
    }
}
