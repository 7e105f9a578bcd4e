using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Benchmarks;

/// <summary>The app's own model over an SQLite file, for seeding plans straight into it and reading results back.</summary>
public static class BenchmarkDatabase
{
    public static ApprovalsDbContext Open(string databaseFile) => new(
        new DbContextOptionsBuilder<ApprovalsDbContext>()
            .UseSqlite(AppProcess.ConnectionStringFor(databaseFile))
            .AddInterceptors(new SqlitePragmas())
            .Options);

    /// <summary>The workflow definition the app starts new plans on, read from the workflows folder beside the app.</summary>
    public static WorkflowDefinition CommitteePlanWorkflow(string appDll) =>
        WorkflowCatalog.Load(Path.Combine(Path.GetDirectoryName(appDll)!, "workflows"), WorkflowIds.CommitteePlan).Latest(WorkflowIds.CommitteePlan);

    /// <summary>
    /// Adds <paramref name="count"/> draft plans of <see cref="BenchmarkPlans.Goals"/> goals, spread over the committees,
    /// through the domain's own <see cref="Plan.Start"/> so their stored flags are exactly what the app would store.
    /// </summary>
    public static async Task InsertPlansAsync(string databaseFile, WorkflowDefinition workflow, int count, bool withGaps, string ownerId, CancellationToken cancellationToken)
    {
        var content = BenchmarkPlans.Content(withGaps);
        var now = DateTime.UtcNow;
        for (var done = 0; done < count;)
        {
            await using var db = Open(databaseFile);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var batch = Math.Min(1_000, count - done);
            for (var i = 0; i < batch; i++, done++)
            {
                var committee = Committee.All[done % Committee.All.Count];
                db.Plans.Add(Plan.Start(committee, $"Handleplan {done + 1} for {committee.Name}", ownerId, content,
                    workflow.Id, workflow.Version, workflow.InitialStage, now));
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
