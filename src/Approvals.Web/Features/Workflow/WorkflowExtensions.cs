using Approvals.Core.Workflow;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Workflow;

public static class WorkflowExtensions
{
    /// <summary>
    /// Loads and checks every definition in <c>Workflows:Path</c> (default: the <c>workflows</c> folder beside the
    /// app). A broken file stops the app here, before it serves anything, with a message naming the file and faults.
    /// </summary>
    public static void AddWorkflows(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration["Workflows:Path"];
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, "workflows")
            : Path.GetFullPath(configured, builder.Environment.ContentRootPath);

        var catalog = WorkflowCatalog.Load(folder, WorkflowIds.CommitteePlan);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<WorkflowRuntime>();
        builder.Services.AddHostedService<PinnedWorkflowsCheck>();
    }
}

/// <summary>
/// Refuses to start when plans in the database are pinned to a definition version no file provides any more
/// (say, a published version edited in place instead of copied): those plans could not move.
/// </summary>
internal sealed class PinnedWorkflowsCheck(IServiceProvider services, WorkflowCatalog catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var pinned = await db.Plans
            .Select(p => new { p.WorkflowId, p.WorkflowVersion })
            .Distinct()
            .ToListAsync(cancellationToken);
        var missing = pinned.Where(p => catalog.Find(p.WorkflowId, p.WorkflowVersion) is null).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Plans are pinned to {string.Join(", ", missing.Select(m => $"{m.WorkflowId} v{m.WorkflowVersion}"))}, which no file in the workflows folder defines. " +
                "Put back each version's file (e.g. committee-plan.v1.json): a published version must stay loadable while plans run on it.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
