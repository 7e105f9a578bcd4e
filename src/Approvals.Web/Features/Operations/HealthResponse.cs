using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// The body of the health endpoints: the overall status and each check's status. Failures are logged by the
/// health check service; their messages are not shown here, because these endpoints are anonymous.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
