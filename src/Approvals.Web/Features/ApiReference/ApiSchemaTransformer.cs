using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Approvals.Web.Features.ApiReference;

/// <summary>Schema rules that hold for every type: enums are strings, and problem details carry the trace id.</summary>
internal sealed class ApiSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;

        // Enums travel as camelCase strings (JsonStringEnumConverter); say so, or generators make them numbers or unknowns.
        if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String;
        }

        if (typeof(ProblemDetails).IsAssignableFrom(type))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The request's trace id (W3C trace context). Quote it when reporting a problem: the logs and traces carry it too.",
            };
        }

        return Task.CompletedTask;
    }
}
