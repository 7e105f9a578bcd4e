using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Approvals.Web.Infrastructure;

public static class ApiConventions
{
    /// <summary>The largest request body the API reads. A whole plan is a few tens of kilobytes.</summary>
    public const long MaxBodyBytes = 512 * 1024;

    public static void AddApiConventions(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            // Numbers are JSON numbers. The web defaults also read "1" as 1, which makes the OpenAPI document type every
            // integer as integer-or-string, so generated clients see number | string. Clients sending numbers see no change.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Malformed JSON must reach ProblemExceptionHandler, which names the offending field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxBodyBytes * 2);
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static void UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(ProblemForStatus);
        app.Use(RejectOversizedBodies);
    }

    /// <summary>
    /// An error status without a body (the 401 of a missing token, the 403 of a role policy) becomes problem details,
    /// whatever the request's Accept says: a client that asked for CSV still gets a body it can read as JSON.
    /// (The framework's default writes text/plain when Accept does not name JSON.)
    /// </summary>
    private static Task ProblemForStatus(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status401Unauthorized =>
                "Sign in with POST /api/auth/login and send the accessToken as 'Authorization: Bearer <token>'. Changes (POST, PUT, PATCH, DELETE) need the bearer token; the sign-in cookie only reads.",
            StatusCodes.Status403Forbidden => "Your account's roles do not allow this. Ask an administrator if you need it.",
            StatusCodes.Status404NotFound => $"There is nothing at {http.Request.Path}. The API's operations are listed at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed at {http.Request.Path}. The API's operations are listed at /openapi/v1.json.",
            _ => null,
        };
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
        return TypedResults.Problem(problem).ExecuteAsync(http);
    }

    /// <summary>
    /// Refuses bodies over <see cref="MaxBodyBytes"/>, except at endpoints that declare a limit of their own
    /// (<see cref="IRequestSizeLimitMetadata"/>, e.g. the Word upload), which enforce it themselves.
    /// </summary>
    private static Task RejectOversizedBodies(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is not null)
        {
            return next(context);
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Problems.Validation(
                    "body",
                    $"The request body is {context.Request.ContentLength} bytes; the limit is {MaxBodyBytes} bytes. Split the plan or shorten its texts.")
                .ExecuteAsync(context);
        }

        return next(context);
    }
}
