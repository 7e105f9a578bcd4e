using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace Approvals.Web.Infrastructure;

public static class ApiConventions
{
    public static void AddApiConventions(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Complete);
        // In order: log what is not the client's fault, then answer what the client sent wrong.
        builder.Services.AddExceptionHandler<ExceptionLogging>();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Validators hold no state and depend on singletons only (the workflow catalog, Identity's options): one of
        // each for the app. Built per request, each built its rules' expression trees again on every call.
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            // Numbers are JSON numbers. The web defaults also read "1" as 1, which makes the OpenAPI document type every
            // integer as integer-or-string, so generated clients see number | string. Clients sending numbers see no change.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Malformed JSON must reach ProblemExceptionHandler, which names the offending field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.AddRequestLimits();
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static void UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(ProblemForStatus);
        app.UseRequestLimits();
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
}
