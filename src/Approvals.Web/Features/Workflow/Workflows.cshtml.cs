using Approvals.Core.Workflow;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Workflow;

/// <summary>A workflow definition's stages and transitions, drawn, listed and as Mermaid source (by default the newest version of the committee-plan workflow).</summary>
public sealed class WorkflowsModel(WorkflowCatalog catalog) : PageModel
{
    public WorkflowDefinition Definition { get; private set; } = null!;

    /// <summary>Every loaded version of the shown workflow, oldest first.</summary>
    public IReadOnlyList<WorkflowDefinition> Versions { get; private set; } = [];

    public WorkflowDrawing Drawing { get; private set; } = null!;

    public string Mermaid { get; private set; } = "";

    public IActionResult OnGet(string? workflow, int? version)
    {
        Versions = catalog.Versions(workflow ?? WorkflowIds.CommitteePlan);
        var definition = version is { } v ? Versions.FirstOrDefault(d => d.Version == v) : Versions.LastOrDefault();
        if (definition is null)
        {
            return NotFound();
        }

        Definition = definition;
        Drawing = WorkflowDrawing.Of(definition);
        Mermaid = WorkflowDiagram.Mermaid(definition);
        return Page();
    }
}
