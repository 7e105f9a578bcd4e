using Approvals.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Approvals.Web.Features.Operations;

/// <summary>How the console log is written: plain text for people, or one JSON object a line for a log collector.</summary>
public enum LogFormat
{
    Simple,
    Json,
}

public static class OperationsExtensions
{
    /// <summary>
    /// The tag of every check <c>/health/ready</c> runs. MassTransit registers its bus check with this tag
    /// by itself, so with a broker configured readiness covers it too.
    /// </summary>
    public const string ReadyTag = "ready";

    public static void AddOperations(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue("Logging:Format", LogFormat.Simple) == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
    }

    /// <summary>Gives each request one log line, scoped with the plan id where the route names a plan.</summary>
    public static void UseOperations(this WebApplication app) => app.UseMiddleware<RequestLogging>();

    // Probes only read: GET and HEAD. MapHealthChecks alone answers every method; routing's own 405 for the others
    // would sit behind the sign-in every endpoint without an [AllowAnonymous] needs, so an anonymous probe would get
    // a redirect to the sign-in page. The other methods get an anonymous 405 of their own instead.
    private static readonly HttpMethodMetadata GetAndHeadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    private static readonly string[] OtherMethods =
        [HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Trace, HttpMethods.Options, HttpMethods.Connect];

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").AllowAnonymous().WithTags("Health").ExcludeFromDescription();

        // Live: the process answers. No dependency is checked, so an orchestrator never restarts a healthy
        // instance because the database is briefly away.
        health.MapHealthChecks("/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.Write })
            .WithMetadata(GetAndHeadOnly);

        // Ready: the instance can serve requests, so a load balancer may send it traffic.
        health.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.Write })
            .WithMetadata(GetAndHeadOnly);

        health.MapMethods("/{probe:regex(^(live|ready)$)}", OtherMethods, (HttpContext http) =>
        {
            http.Response.Headers.Allow = "GET, HEAD";
            return TypedResults.Problem(
                title: "Method not allowed", detail: "Health probes answer GET and HEAD only.", statusCode: StatusCodes.Status405MethodNotAllowed);
        });
    }
}

/// <summary>
/// Ready as far as the database goes: it is reachable, has its schema, and takes writes. A database that is
/// read-only or full still answers queries, so the check writes for real: a row of about a page in a transaction
/// that is rolled back (it needs a free page and the right to write, and leaves nothing behind), and a small row
/// that is committed (the commit must reach the disk).
/// </summary>
internal sealed class DatabaseHealthCheck(ApprovalsDbContext db, TimeProvider clock) : IHealthCheck
{
    public const string ProbeId = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // On SQLite, CanConnect only asks whether the file exists; a bare query would create an empty database.
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "The database cannot be reached.");
            }

            await db.Plans.AnyAsync(cancellationToken); // throws, so the check fails, when the schema is not there

            // The writes are short and finished even when the caller gives up waiting: a probe cut off inside its
            // transaction would be an error in the log, not a finding.
            await WriteAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The database cannot serve: {e.Message}", e);
        }
    }

    private async Task WriteAsync()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.ReadinessProbes.Add(new ReadinessProbe { Id = Guid.NewGuid().ToString("N"), CheckedUtc = now, Padding = new string('.', ReadinessProbe.MaxPaddingLength) });
            try
            {
                await db.SaveChangesAsync();
            }
            finally
            {
                db.ChangeTracker.Clear();
            }

            await transaction.RollbackAsync();
        }

        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"ReadinessProbes\" (\"Id\", \"CheckedUtc\") VALUES ({ProbeId}, {now}) ON CONFLICT (\"Id\") DO UPDATE SET \"CheckedUtc\" = excluded.\"CheckedUtc\"");
    }
}
