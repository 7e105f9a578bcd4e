using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.ApiReference;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.ApiReference;

/// <summary>What generated clients rely on in /openapi/v1.json, and the error answers it promises.</summary>
[Collection(AppCollection.Name)]
public sealed class OpenApiDocumentTests(ApprovalsApp app)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_document_is_served_without_signing_in()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(ApiReferenceExtensions.DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_operation_has_a_unique_id_a_summary_a_description_and_the_security_it_needs()
    {
        var document = await Document();
        var operations = Operations(document).ToList();

        Assert.True(operations.Count >= 30, $"Only {operations.Count} operations: the walk over the document finds them at all.");
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.Matches("^[a-z][A-Za-z]+$", operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{name} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()), $"{name} has no description.");
            var schemes = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
            var anonymous = path is "/api/auth/login" or "/api/account/set-password";
            Assert.True(anonymous ? schemes.Count == 0 : schemes.SequenceEqual(["bearer"]), $"{name} names the schemes [{string.Join(", ", schemes)}].");
            Assert.True(anonymous || operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} documents no 401.");
        }

        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        Assert.All(document.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
        var info = document.GetProperty("info");
        Assert.Equal("Approvals API", info.GetProperty("title").GetString());
        Assert.True(info.TryGetProperty("license", out _) && info.TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task Numbers_are_typed_as_numbers_and_enums_as_strings()
    {
        var document = await Document();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        // The web defaults' "read numbers from strings" made every integer ["integer","string"] with a pattern.
        var mixed = Walk(document).Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array
            && type.EnumerateArray().Any(t => t.GetString() is "integer" or "number") && type.EnumerateArray().Any(t => t.GetString() == "string")).ToList();
        Assert.Empty(mixed.Select(e => e.ToString()));
        Assert.Equal("integer", schemas.GetProperty("PlanSummary").GetProperty("properties").GetProperty("revision").GetProperty("type").GetString());
        Assert.Equal("string", schemas.GetProperty("FlagSeverity").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Request_fields_that_are_needed_are_required_and_answers_list_every_field()
    {
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");

        Assert.Equal(["action"], Required(schemas, "TransitionRequest"));
        Assert.False(IsNullable(schemas.GetProperty("TransitionRequest").GetProperty("properties").GetProperty("action")));
        Assert.Equal(["email", "password"], Required(schemas, "LoginRequest"));
        Assert.Equal(["committee", "objectives", "title"], Required(schemas, "PlanInput"));
        Assert.Contains("read", Required(schemas, "NotificationItem"));
        Assert.Contains("unmetGuards", schemas.GetProperty("UnmetGuardsProblemDetails").GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Every_error_answer_is_problem_details_with_a_trace_id()
    {
        var document = await Document();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => int.Parse(r.Name) >= 400))
            {
                var content = response.Value.GetProperty("content").EnumerateObject().ToList();
                Assert.True(content is [{ Name: "application/problem+json" }], $"{method} {path} {response.Name} answers {string.Join(", ", content.Select(c => c.Name))}.");
                var schema = content[0].Value.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
                Assert.True(schemas.GetProperty(schema).GetProperty("properties").TryGetProperty("traceId", out _), $"{schema} has no traceId.");
                var expected = response.Name switch { "400" => "HttpValidationProblemDetails", "422" => "UnmetGuardsProblemDetails", _ => "ProblemDetails" };
                Assert.True(expected == schema, $"{method} {path} {response.Name} refers to {schema}, not {expected}.");
            }
        }
    }

    [Fact]
    public async Task Plan_reads_declare_the_ETag_and_changes_require_If_Match()
    {
        var paths = (await Document()).GetProperty("paths");

        foreach (var (path, method, status) in new[] { ("/api/plans/{id}", "get", "200"), ("/api/plans/{id}/actions", "get", "200"), ("/api/plans/{id}/transitions", "post", "200"), ("/api/plans/{id}", "put", "200") })
        {
            Assert.True(paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status).GetProperty("headers").TryGetProperty("ETag", out _), $"{method} {path} declares no ETag.");
        }

        foreach (var (path, method) in new[] { ("/api/plans/{id}", "put"), ("/api/plans/{id}/transitions", "post") })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var ifMatch = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-Match");
            Assert.Equal("header", ifMatch.GetProperty("in").GetString());
            Assert.True(ifMatch.GetProperty("required").GetBoolean());
            Assert.True(operation.GetProperty("responses").TryGetProperty("428", out _));
        }
    }

    [Fact]
    public async Task Text_answers_are_strings_and_query_names_are_camel_case()
    {
        var document = await Document();
        var paths = document.GetProperty("paths");

        var report = paths.GetProperty("/api/reports/missing-indicators").GetProperty("get");
        Assert.Equal("string", report.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        var diagram = paths.GetProperty("/api/workflows/{id}/diagram").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal("string", diagram.GetProperty("text/vnd.mermaid").GetProperty("schema").GetProperty("type").GetString());
        var queries = Operations(document).SelectMany(o => o.Operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList();
        Assert.Contains("committee", queries);
        Assert.All(queries, q => Assert.True(char.IsLower(q[0]), $"Query parameter {q} is not camelCase."));
    }

    [Fact]
    public async Task Servers_name_the_configured_public_address_not_the_host_that_asked()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiReferenceExtensions.DocumentPath);
        request.Headers.Host = "attacker.example";

        var document = JsonDocument.Parse(await (await client.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;

        var configured = ApiReferenceExtensions.BaseUrl(app.Services.GetRequiredService<IConfiguration>()).TrimEnd('/');
        Assert.Equal([configured], document.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task A_secretary_asking_for_the_coverage_csv_gets_a_403_as_problem_details()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Find("SOU")!));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/missing-indicators?format=csv");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task Calling_without_a_token_gets_a_401_as_problem_details_whatever_Accept_says()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reports/missing-indicators");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/auth/login", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    private async Task<JsonElement> Document() =>
        JsonDocument.Parse(await app.CreateClient().GetStringAsync(ApiReferenceExtensions.DocumentPath)).RootElement;

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => Methods.Contains(m.Name)).Select(m => (path.Name, m.Name, m.Value)));

    private static IEnumerable<JsonElement> Walk(JsonElement element)
    {
        yield return element;
        var children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => element.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children.SelectMany(Walk))
        {
            yield return child;
        }
    }

    private static List<string> Required(JsonElement schemas, string name) =>
        schemas.GetProperty(name).TryGetProperty("required", out var required)
            ? required.EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];

    private static bool IsNullable(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null");
}
