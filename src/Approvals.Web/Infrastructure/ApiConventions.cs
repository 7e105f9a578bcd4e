using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
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
        builder.Services.AddOpenApi();
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        // Malformed JSON must reach ProblemExceptionHandler, which names the offending field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.AddRequestLimits();
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static void UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
    }
}
