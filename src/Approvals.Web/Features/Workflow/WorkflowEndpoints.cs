using Approvals.Core.Workflow;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Workflow;

public sealed record WorkflowSummary(string Id, LocalizedText Name, int LatestVersion, IReadOnlyList<int> Versions);

public sealed record WorkflowResponse(string Id, LocalizedText Name, int LatestVersion, IReadOnlyList<WorkflowVersionResponse> Versions);

public sealed record WorkflowVersionResponse(
    int Version,
    LocalizedText Name,
    string? Description,
    string InitialStage,
    string FinalStage,
    IReadOnlyList<StageDefinition> Stages,
    IReadOnlyList<ActionDefinition> Actions,
    IReadOnlyList<TransitionDefinition> Transitions,
    IReadOnlyList<GuardResponse> Guards)
{
    public static WorkflowVersionResponse From(WorkflowDefinition d) => new(
        d.Version, d.Name, d.Description, d.InitialStage, d.FinalStage, d.Stages, d.Actions, d.Transitions,
        d.Transitions.SelectMany(t => t.Guards).Distinct()
            .Select(name => new GuardResponse(name, WorkflowGuards.Get(name).Description)).ToList());
}

public sealed record GuardResponse(string Name, string Description);

public sealed record DiagramResponse(string Id, int Version, string Mermaid);

public static class WorkflowEndpoints
{
    public const string MermaidMediaType = "text/vnd.mermaid";

    public static void MapWorkflows(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/api/workflows").WithTags("Workflows");
        workflows.MapGet("/", List)
            .WithName("listWorkflows")
            .WithSummary("List the workflow definitions")
            .WithDescription("Each workflow with its name, its newest version and every loaded version (plans stay on the version they started on).");
        workflows.MapGet("/{id}", Get)
            .WithName("getWorkflow")
            .WithSummary("Read a workflow definition, all versions")
            .WithDescription("Every loaded version of the workflow: its stages (editable, due days), actions, transitions (who may take them, " +
                "their guards, whether a comment is required) and what each guard checks.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        workflows.MapGet("/{id}/diagram", Diagram)
            .WithName("getWorkflowDiagram")
            .WithSummary("The workflow drawn as a Mermaid state diagram")
            .WithDescription("The diagram of `version` (default: the newest) as Mermaid text (text/vnd.mermaid), or wrapped as " +
                "`{id, version, mermaid}` when Accept asks for application/json.")
            .Produces<DiagramResponse>(StatusCodes.Status200OK, MermaidMediaType, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static List<WorkflowSummary> List(WorkflowCatalog catalog) =>
        catalog.Ids.Select(id => catalog.Versions(id))
            .Select(versions => new WorkflowSummary(versions[^1].Id, versions[^1].Name, versions[^1].Version, versions.Select(v => v.Version).ToList()))
            .ToList();

    private static Results<Ok<WorkflowResponse>, ProblemHttpResult> Get(string id, WorkflowCatalog catalog)
    {
        var versions = catalog.Versions(id);
        if (versions.Count == 0)
        {
            return NotFound(id, catalog);
        }

        return TypedResults.Ok(new WorkflowResponse(id, versions[^1].Name, versions[^1].Version,
            versions.Select(WorkflowVersionResponse.From).ToList()));
    }

    /// <summary>The Mermaid diagram of a version (default: the newest), as text/vnd.mermaid or, when asked for JSON, wrapped.</summary>
    private static Results<ContentHttpResult, Ok<DiagramResponse>, ProblemHttpResult> Diagram(
        string id, int? version, HttpContext http, WorkflowCatalog catalog)
    {
        var versions = catalog.Versions(id);
        if (versions.Count == 0)
        {
            return NotFound(id, catalog);
        }

        var definition = version is { } v ? catalog.Find(id, v) : versions[^1];
        if (definition is null)
        {
            return Problems.NotFound($"Workflow {id} has no version {version}. Its versions are {string.Join(", ", versions.Select(d => d.Version))}.");
        }

        var mermaid = WorkflowDiagram.Mermaid(definition);
        var wantsJson = http.Request.GetTypedHeaders().Accept
            .Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        return wantsJson
            ? TypedResults.Ok(new DiagramResponse(definition.Id, definition.Version, mermaid))
            : TypedResults.Text(mermaid, MermaidMediaType + "; charset=utf-8");
    }

    private static ProblemHttpResult NotFound(string id, WorkflowCatalog catalog) =>
        Problems.NotFound($"There is no workflow '{id}'. Known workflows: {string.Join(", ", catalog.Ids)}.");
}
