using System.Text.Json;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Comments;

/// <summary>The comment and changes endpoints are described for clients: operation ids, summaries and every error status.</summary>
[Collection(AppCollection.Name)]
public sealed class CommentOpenApiTests(ApprovalsApp app)
{
    [Fact]
    public async Task Each_comment_and_changes_operation_has_an_id_a_summary_and_its_error_statuses()
    {
        var client = await app.ClientFor(Users.Coordinator);
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .Where(o => o.Operation.TryGetProperty("operationId", out _))
            .ToDictionary(o => o.Operation.GetProperty("operationId").GetString()!);

        var expected = new Dictionary<string, (string Path, string[] Statuses)>
        {
            ["listPlanComments"] = ("/api/plans/{id}/comments", ["200", "400", "403", "404"]),
            ["getPlanComment"] = ("/api/plans/{id}/comments/{commentId}", ["200", "403", "404"]),
            ["writePlanComment"] = ("/api/plans/{id}/comments", ["201", "400", "403", "404", "409"]),
            ["replyToPlanComment"] = ("/api/plans/{id}/comments/{commentId}/replies", ["201", "400", "403", "404", "409"]),
            ["markPlanCommentAnswered"] = ("/api/plans/{id}/comments/{commentId}/answered", ["200", "403", "404", "409"]),
            ["resolvePlanComment"] = ("/api/plans/{id}/comments/{commentId}/resolve", ["200", "403", "404", "409"]),
            ["getPlanChanges"] = ("/api/plans/{id}/changes", ["200", "400", "403", "404"]),
        };
        foreach (var (id, (path, statuses)) in expected)
        {
            Assert.True(operations.TryGetValue(id, out var operation), $"The OpenAPI document has no operation '{id}'.");
            Assert.Equal(path, operation.Path.TrimEnd('/'));
            Assert.False(string.IsNullOrWhiteSpace(operation.Operation.GetProperty("summary").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(operation.Operation.GetProperty("description").GetString()));
            var documented = operation.Operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
            Assert.True(statuses.All(documented.Contains), $"{id} documents {string.Join(", ", documented)}; expected {string.Join(", ", statuses)}.");
        }
    }
}
