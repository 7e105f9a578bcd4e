using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Approvals.Web.Features.ApiReference;

/// <summary>
/// The document as a whole: its title, version, contact and licence, the public address (<c>App:BaseUrl</c>, never the
/// host a request named), the bearer scheme, the tags' descriptions, and which properties are required: every
/// property of an answer (the server always writes them, null or not), and of a request only those that may not be null.
/// </summary>
internal sealed class ApiDocumentTransformer(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";

    public const string Version = "v1";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var baseUrl = ApiReferenceExtensions.BaseUrl(configuration);
        document.Info = new OpenApiInfo
        {
            Title = "Approvals API",
            Version = Version,
            Description =
                "Committee action plans from draft to adoption. Sign in with `POST /api/auth/login` and send the returned " +
                "`accessToken` as `Authorization: Bearer …`. Answers are JSON in camelCase; every error is RFC 9457 problem " +
                "details (`application/problem+json`) with a `traceId`. Reading a plan gives its `ETag`; changing it or acting " +
                "on it needs that ETag in `If-Match`.",
            Contact = new OpenApiContact
            {
                Name = configuration["Api:Contact:Name"] is { Length: > 0 } name ? name : "Approvals operators",
                Email = configuration["Api:Contact:Email"] is { Length: > 0 } email ? email : null,
                Url = new Uri(configuration["Api:Contact:Url"] is { Length: > 0 } url ? url : baseUrl),
            },
            License = new OpenApiLicense
            {
                Name = configuration["Api:License:Name"] is { Length: > 0 } licence ? licence : "Proprietary: the city's own system",
                Url = configuration["Api:License:Url"] is { Length: > 0 } licenceUrl ? new Uri(licenceUrl) : new Uri(baseUrl.TrimEnd('/') + ApiReferenceExtensions.ReferencePath),
            },
        };
        document.Servers = [new OpenApiServer { Url = baseUrl.TrimEnd('/'), Description = "This installation (App:BaseUrl)" }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The `accessToken` that POST /api/auth/login returns (valid 8 hours).",
        };

        // Error answers refer to these by name; make sure they exist even if no endpoint declared them itself.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var type in new[] { typeof(ProblemDetails), typeof(HttpValidationProblemDetails) })
        {
            if (!document.Components.Schemas.ContainsKey(type.Name))
            {
                document.Components.Schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            }
        }

        var used = document.Tags?.Select(t => t.Name).OfType<string>().ToHashSet() ?? [];
        document.Tags = new HashSet<OpenApiTag>(ApiTags.All
            .Where(t => used.Contains(t.Name))
            .Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        foreach (var unknown in used.Where(name => ApiTags.DescriptionOf(name) is null))
        {
            document.Tags.Add(new OpenApiTag { Name = unknown });
        }

        MarkRequired(document);
    }

    private static void MarkRequired(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return;
        }

        var requests = new HashSet<string>();
        var responses = new HashSet<string>();
        foreach (var path in document.Paths.Values)
        {
            foreach (var operation in (IEnumerable<OpenApiOperation>?)path.Operations?.Values ?? [])
            {
                foreach (var media in (IEnumerable<OpenApiMediaType>?)operation.RequestBody?.Content?.Values ?? [])
                {
                    Collect(media.Schema, schemas, requests);
                }

                foreach (var response in (IEnumerable<IOpenApiResponse>?)operation.Responses?.Values ?? [])
                {
                    foreach (var media in (IEnumerable<OpenApiMediaType>?)response.Content?.Values ?? [])
                    {
                        Collect(media.Schema, schemas, responses);
                    }
                }
            }
        }

        foreach (var (name, component) in schemas)
        {
            if (component is not OpenApiSchema { Properties.Count: > 0 } schema || name.EndsWith("ProblemDetails", StringComparison.Ordinal))
            {
                continue;
            }

            if (requests.Contains(name) && !responses.Contains(name))
            {
                schema.Required = schema.Properties.Where(p => !IsNullable(p.Value)).Select(p => p.Key).ToHashSet();
            }
            else if (responses.Contains(name) && !requests.Contains(name))
            {
                schema.Required = schema.Properties.Keys.ToHashSet();
            }
        }
    }

    private static void Collect(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> all, HashSet<string> seen)
    {
        if (schema is null)
        {
            return;
        }

        if (schema is OpenApiSchemaReference reference)
        {
            if (reference.Reference.Id is { } id && seen.Add(id) && all.TryGetValue(id, out var target))
            {
                Collect(target, all, seen);
            }

            return;
        }

        foreach (var property in schema.Properties?.Values ?? [])
        {
            Collect(property, all, seen);
        }

        Collect(schema.Items, all, seen);
        Collect(schema.AdditionalProperties, all, seen);
        foreach (var part in (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
        {
            Collect(part, all, seen);
        }
    }

    private static bool IsNullable(IOpenApiSchema schema) =>
        schema.Type?.HasFlag(JsonSchemaType.Null) == true ||
        schema.OneOf?.Any(s => s is not OpenApiSchemaReference && s.Type == JsonSchemaType.Null) == true;
}
