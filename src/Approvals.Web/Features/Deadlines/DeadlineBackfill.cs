using Approvals.Core.Workflow;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Deadlines;

/// <summary>
/// Gives plans that entered their stage before due times were stored (the migration set only when they entered) the
/// due time and first notice their pinned definition gives the stage. It reads the definitions, which the migration
/// cannot: an installation's own workflow files decide. Runs at start-up; once done it finds nothing to do, and two
/// instances doing it at once write the same values.
/// </summary>
internal sealed class DeadlineBackfill(IServiceProvider services, WorkflowCatalog catalog, TimeProvider clock, ILogger<DeadlineBackfill> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var filled = 0;
        foreach (var definition in catalog.All)
        {
            foreach (var stage in definition.Stages.Where(s => s.Deadline is not null))
            {
                var plans = await db.Plans.AsNoTracking()
                    .Where(p => p.WorkflowId == definition.Id && p.WorkflowVersion == definition.Version && p.Stage == stage.Id && p.DueUtc == null)
                    .Select(p => new { p.Id, p.StageEntry, p.StageEnteredUtc })
                    .ToListAsync(cancellationToken);
                foreach (var plan in plans)
                {
                    var due = stage.Deadline!.DueFrom(plan.StageEnteredUtc);
                    // Notices whose time passed before this version ran are not sent late, except the escalation.
                    var next = stage.Deadline.Schedule(plan.StageEnteredUtc, due)
                        .Where(p => p.AtUtc > now || p.Kind == Core.Deadlines.DeadlineNoticeKind.Escalation)
                        .Select(p => (DateTime?)p.AtUtc).FirstOrDefault();
                    filled += await db.Plans
                        .Where(p => p.Id == plan.Id && p.StageEntry == plan.StageEntry && p.DueUtc == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.DueUtc, due).SetProperty(p => p.NextDeadlineUtc, next), cancellationToken);
                }
            }
        }

        if (filled > 0)
        {
            logger.LogInformation("Set the due time of {Count} plan(s) that entered their stage before due times were stored.", filled);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
