using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
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
        builder.Services.AddOpenApi();
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        // Malformed JSON must reach ProblemExceptionHandler, which names the offending field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxBodyBytes * 2);
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static void UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectOversizedBodies);
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
