using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Approvals.Web.Features.ApiReference;

/// <summary>
/// What every operation declares, from its endpoint's metadata, in one place: the bearer scheme where sign-in is
/// needed (none where it is not) with the 401 and, behind a role policy, the 403; every error answer as problem
/// details; the ETag response header and a required If-Match; camelCase query parameters; text answers as strings.
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<int, string> ProblemDescriptions = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is not valid: `errors` names each field with what to send instead. Nothing was changed.",
        [StatusCodes.Status401Unauthorized] = "Not signed in, or the token has expired: sign in with POST /api/auth/login and send the token as `Authorization: Bearer …`. Changes need the bearer token; the sign-in cookie only reads.",
        [StatusCodes.Status403Forbidden] = "Signed in, but your role or committee does not allow this; `detail` says why.",
        [StatusCodes.Status404NotFound] = "There is no such plan or item (or it is not yours to see); `detail` names it.",
        [StatusCodes.Status409Conflict] = "The request conflicts with the plan's current state; `detail` says what happened and what to do.",
        [StatusCodes.Status412PreconditionFailed] = "The plan changed after you read it (If-Match no longer matches its ETag): read it again, reapply your change and send the new ETag.",
        [StatusCodes.Status422UnprocessableEntity] = "The plan does not meet the conditions of this action: `unmetGuards` lists each with the goals or comments to finish first.",
        [StatusCodes.Status428PreconditionRequired] = "If-Match is missing: send the ETag of the version of the plan you read.",
        [StatusCodes.Status429TooManyRequests] = "Too many attempts: wait the number of seconds in Retry-After.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();

        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // An empty requirement: no credential is needed.
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocumentTransformer.BearerScheme, context.Document)] = [] },
            ];
            EnsureResponse(operation, StatusCodes.Status401Unauthorized);
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            {
                EnsureResponse(operation, StatusCodes.Status403Forbidden);
            }
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } name)
            {
                parameter.Name = char.ToLowerInvariant(name[0]) + name[1..];
            }
        }

        if (metadata.OfType<RequiresIfMatchMetadata>().FirstOrDefault() is not null)
        {
            var ifMatch = operation.Parameters?.OfType<OpenApiParameter>()
                .FirstOrDefault(p => p.In == ParameterLocation.Header && string.Equals(p.Name, "If-Match", StringComparison.OrdinalIgnoreCase));
            if (ifMatch is null)
            {
                ifMatch = new OpenApiParameter { Name = "If-Match", In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                operation.Parameters ??= [];
                operation.Parameters.Add(ifMatch);
            }

            ifMatch.Required = true;
            ifMatch.Description = "The plan's ETag as you read it (GET /api/plans/{id}, its actions, or the last change), so a change made by someone else since is not overwritten.";
        }

        var returnsETag = metadata.OfType<ReturnsETagMetadata>().Any();
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse answer || !int.TryParse(status, out var code))
            {
                continue;
            }

            if (code >= 400)
            {
                DescribeProblem(answer, code, context.Document!);
                continue;
            }

            foreach (var (mediaType, media) in answer.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                // CSV, Mermaid and other text answers are text, whatever type the endpoint returns in JSON.
                if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
                {
                    media.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                }
            }

            if (returnsETag && code is >= 200 and < 300)
            {
                answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                answer.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "The plan's version. Send it back in If-Match to change the plan or act on it.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }

        return Task.CompletedTask;
    }

    private static void EnsureResponse(OpenApiOperation operation, int status)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses!.ContainsKey(key))
        {
            operation.Responses[key] = new OpenApiResponse();
        }
    }

    /// <summary>An error answer is problem details: validation errors with <c>errors</c>, a 422 with <c>unmetGuards</c>, any other with the common fields.</summary>
    private static void DescribeProblem(OpenApiResponse response, int status, OpenApiDocument document)
    {
        if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status))
        {
            response.Description = ProblemDescriptions.GetValueOrDefault(status, ReasonPhrases.GetReasonPhrase(status));
        }

        var declared = response.Content?.FirstOrDefault(c => c.Key == ApiMetadataExtensions.ProblemJson).Value?.Schema;
        var schema = status switch
        {
            StatusCodes.Status400BadRequest => "HttpValidationProblemDetails",
            StatusCodes.Status422UnprocessableEntity when declared is OpenApiSchemaReference { Reference.Id: { } id } => id,
            _ => "ProblemDetails",
        };
        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            [ApiMetadataExtensions.ProblemJson] = new() { Schema = new OpenApiSchemaReference(schema, document) },
        };
    }
}
