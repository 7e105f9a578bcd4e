using System.Diagnostics;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// Logs one line per request and opens a <c>PlanId</c> scope for requests about one plan
/// (<c>/api/plans/{id}/…</c>, <c>/planer/{id}</c>), so every line logged while serving them carries it.
/// </summary>
internal sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Routing has already run (WebApplication puts UseRouting first), so route values are known here.
        using var scope = PlanIdOf(context) is { } planId ? logger.BeginPlanScope(planId) : null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            // Probes come every few seconds: keep them out of the normal log.
            var level = context.Request.Path.StartsWithSegments("/health") ? LogLevel.Debug : LogLevel.Information;
            // Asked first: with the line switched off (a Warning level, as under load tests), its values are not boxed.
            if (logger.IsEnabled(level))
            {
                logger.Log(level, "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms",
                    context.Request.Method, context.Request.Path.Value, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    private static Guid? PlanIdOf(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api/plans") && !path.StartsWithSegments("/planer"))
        {
            return null;
        }

        return context.GetRouteValue("id") is { } value && Guid.TryParse(value.ToString(), out var id) ? id : null;
    }
}
