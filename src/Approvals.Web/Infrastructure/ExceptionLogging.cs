using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Approvals.Web.Infrastructure;

/// <summary>
/// Logs every exception that escapes a request, with its stack trace and the trace id the client was answered
/// with (the problem's <c>traceId</c>, or the one the error page shows), so a report of a 500 leads to its cause.
/// Handles nothing itself: the handlers after it answer. A request the client could not have sent right
/// (<see cref="BadHttpRequestException"/>) or gave up on is no error of the app's.
/// </summary>
internal sealed class ExceptionLogging(ILogger<ExceptionLogging> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = TraceIdOf(context);
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value;
        if (exception is BadHttpRequestException)
        {
            logger.LogInformation("{Method} {Path} could not be read ({Reason}); trace id {TraceId}.",
                context.Request.Method, path, exception.Message, traceId);
        }
        else if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            logger.LogInformation("{Method} {Path} was abandoned by the client; trace id {TraceId}.", context.Request.Method, path, traceId);
        }
        else
        {
            logger.LogError(exception, "{Method} {Path} failed with an unhandled {Exception}; the client was answered 500 with trace id {TraceId}.",
                context.Request.Method, path, exception.GetType().Name, traceId);
        }

        return ValueTask.FromResult(false);
    }

    /// <summary>The id problem details carry as <c>traceId</c> (ASP.NET Core's own choice, repeated here).</summary>
    public static string TraceIdOf(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;
}
