using System.IO.Compression;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Security;

namespace Approvals.Web.Features.ApiReference;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and the interactive reference (<c>/api/docs</c>, Scalar), both
/// anonymous: they describe the API and hold no data.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string DocumentPath = "/openapi/" + ApiDocumentTransformer.Version + ".json";

    public const string ReferencePath = "/api/docs";

    /// <summary>
    /// The reference page's policy: the app's own, except that styles may be inline. Scalar's script (served by the app,
    /// never a CDN) adds its styles as &lt;style&gt; elements at run time, which a policy without 'unsafe-inline' for
    /// styles refuses. Scripts stay 'self' only: the page's configuration is a script file, not an inline script.
    /// </summary>
    public const string ReferencePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ScalarAsset = "ScalarStaticAssets.scalar.js";

    public static void AddApiReference(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(ApiDocumentTransformer.Version, o =>
        {
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<ApiOperationTransformer>();
            o.AddSchemaTransformer<ApiSchemaTransformer>();
        });

    public static void MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous().ExcludeFromDescription();

        var docs = app.MapGroup(ReferencePath).AllowAnonymous().ExcludeFromDescription()
            .WithMetadata(new ContentSecurityPolicyMetadata(ReferencePolicy));
        docs.MapGet("/", (HttpContext http) => Results.Content(PageFor(http.Request.PathBase), "text/html; charset=utf-8"));
        docs.MapGet("/approvals-docs.js", () => Results.Content(Configuration, "text/javascript; charset=utf-8"));
        docs.MapGet("/scalar.js", ScalarScript);
    }

    /// <summary>The public address of the app: <c>App:BaseUrl</c>, as links in e-mails use it.</summary>
    public static string BaseUrl(IConfiguration configuration) =>
        configuration["App:BaseUrl"] is { Length: > 0 } url ? url : MessagingExtensions.DefaultBaseUrl;

    // Addresses from the path base, so the page works at /api/docs and /api/docs/ alike, and behind a proxy's prefix.
    private static string PageFor(PathString pathBase)
    {
        var root = System.Net.WebUtility.HtmlEncode(pathBase.Value ?? "");
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Approvals API reference</title>
            </head>
            <body>
              <div id="app" data-document="{{root}}{{DocumentPath}}"></div>
              <script src="{{root}}{{ReferencePath}}/scalar.js"></script>
              <script src="{{root}}{{ReferencePath}}/approvals-docs.js"></script>
            </body>
            </html>
            """;
    }

    // Nothing leaves the app: no web fonts, no telemetry, no AI agent, no request proxy.
    private const string Configuration = """
        Scalar.createApiReference('#app', {
          sources: [{ title: 'Approvals API', url: new URL(document.getElementById('app').dataset.document, document.baseURI).toString() }],
          withDefaultFonts: false,
          telemetry: false,
          agent: { disabled: true },
          proxyUrl: '',
          hideClientButton: true,
          persistAuth: false,
        });
        """;

    // The package ships its standalone script gzipped as a resource of its assembly: served as it is to browsers that
    // accept gzip (all of them; about a quarter of the size), unzipped once for any client that does not.
    private static readonly Lazy<byte[]> ScalarGzipped = new(() =>
    {
        using var resource = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(ScalarAsset)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore has no resource {ScalarAsset}.");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return bytes.ToArray();
    });

    private static readonly Lazy<byte[]> ScalarBytes = new(() =>
    {
        using var unzipped = new GZipStream(new MemoryStream(ScalarGzipped.Value), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        unzipped.CopyTo(bytes);
        return bytes.ToArray();
    });

    private static IResult ScalarScript(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=86400";
        http.Response.Headers.Vary = "Accept-Encoding";
        if (AcceptsGzip(http.Request))
        {
            http.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(ScalarGzipped.Value, "text/javascript; charset=utf-8");
        }

        return Results.Bytes(ScalarBytes.Value, "text/javascript; charset=utf-8");
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e =>
            string.Equals(e.Value.Value, "gzip", StringComparison.OrdinalIgnoreCase) && (e.Quality ?? 1) > 0);
}
