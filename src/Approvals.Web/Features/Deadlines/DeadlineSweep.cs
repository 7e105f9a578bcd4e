using Approvals.Core.Contracts;
using Approvals.Core.Deadlines;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Deadlines;

/// <summary>The <c>Deadlines</c> section.</summary>
public sealed class DeadlineOptions
{
    public const string Section = "Deadlines";

    /// <summary>How often each instance looks for reminders and escalations that have come due.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many plans per pass; a pass that fills it is followed by the next at once.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Sends each stage's reminders and escalation when they come due, exactly once per plan, stage entry, kind and
/// offset. A pass reads only plans whose <see cref="Core.Plans.Plan.NextDeadlineUtc"/> has come (an index), and
/// for each, in one transaction: moves that column on to the entry's next notice, on the condition that the plan
/// is still in the stage entry it read and no one moved the column first; inserts one <see cref="DeadlineNotice"/>
/// row per notice (unique per plan, entry, kind, offset) and its event into the outbox. A plan that moved on in
/// between, or another instance that got there first, makes the condition fail or the insert meet the key, and
/// that plan's transaction is rolled back: nothing is sent twice, and nothing after the plan left the stage.
/// A crash before the commit leaves the column where it was, so the next pass (of any instance) sends it.
/// </summary>
public sealed class DeadlineSweep(
    IServiceScopeFactory scopes,
    WorkflowCatalog catalog,
    IOptions<DeadlineOptions> options,
    TimeProvider clock,
    ILogger<DeadlineSweep> logger)
{
    /// <summary>One pass over the plans with something due now; returns the number of notices sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            var (plans, notices) = await PassAsync(cancellationToken);
            sent += notices;
            if (plans < options.Value.BatchSize)
            {
                return sent;
            }
        }
    }

    private async Task<(int Plans, int Notices)> PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        var due = await db.Plans.AsNoTracking()
            .Where(p => p.NextDeadlineUtc != null && p.NextDeadlineUtc <= now)
            .OrderBy(p => p.NextDeadlineUtc)
            .Take(options.Value.BatchSize)
            .Select(p => new DuePlan(
                p.Id, p.CommitteeCode, p.Title, p.Revision, p.Stage, p.StageEntry, p.StageEnteredUtc, p.DueUtc,
                p.NextDeadlineUtc!.Value, p.WorkflowId, p.WorkflowVersion))
            .ToListAsync(cancellationToken);

        var notices = 0;
        foreach (var plan in due)
        {
            try
            {
                notices += await SendAsync(db, plan, now, cancellationToken);
            }
            catch (DbUpdateException e)
            {
                // Another instance sent this plan's notices first (the unique key): nothing to do.
                logger.LogDebug(e, "Deadline notices of plan {PlanId} (stage entry {Entry}) were sent by another pass.", plan.Id, plan.StageEntry);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        return (due.Count, notices);
    }

    private async Task<int> SendAsync(ApprovalsDbContext db, DuePlan plan, DateTime now, CancellationToken cancellationToken)
    {
        var stage = catalog.Find(plan.WorkflowId, plan.WorkflowVersion)?.FindStage(plan.Stage);
        var deadline = stage?.Deadline;
        var schedule = deadline is not null && plan.DueUtc is { } dueUtc ? deadline.Schedule(plan.StageEnteredUtc, dueUtc) : [];
        var dueNow = schedule.Where(p => p.AtUtc >= plan.NextDeadlineUtc && p.AtUtc <= now).ToList();
        var next = schedule.Where(p => p.AtUtc > now).Select(p => (DateTime?)p.AtUtc).FirstOrDefault();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Plans
            .Where(p => p.Id == plan.Id && p.StageEntry == plan.StageEntry && p.NextDeadlineUtc == plan.NextDeadlineUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextDeadlineUtc, next), cancellationToken);
        if (claimed == 0)
        {
            // The plan moved on (a transition set its next notice afresh) or another instance took these notices.
            await transaction.RollbackAsync(cancellationToken);
            return 0;
        }

        var definition = catalog.Get(plan.WorkflowId, plan.WorkflowVersion);
        var acting = definition.ActingRoles(plan.Stage);
        var sent = 0;
        foreach (var point in dueNow)
        {
            // A reminder found only after the due time (the app was down) would say the plan is not yet due: the
            // escalation speaks for it then.
            if (point.Kind == DeadlineNoticeKind.Reminder && now >= plan.DueUtc)
            {
                continue;
            }

            IPlanEvent planEvent = point.Kind == DeadlineNoticeKind.Reminder
                ? new PlanDeadlineApproaching(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage,
                    plan.StageEntry, plan.StageEnteredUtc, plan.DueUtc!.Value, point.Offset, now, acting)
                : new PlanOverdue(EventIds.Next(), plan.Id, plan.CommitteeCode, plan.Title, plan.Revision, plan.Stage,
                    plan.StageEntry, plan.StageEnteredUtc, plan.DueUtc!.Value, point.Offset, now, acting, deadline!.EscalateTo);
            db.DeadlineNotices.Add(new DeadlineNotice
            {
                PlanId = plan.Id,
                StageEntry = plan.StageEntry,
                Kind = point.Kind.ToString(),
                OffsetSeconds = (long)point.Offset.TotalSeconds,
                Stage = plan.Stage,
                DueUtc = plan.DueUtc!.Value,
                EventId = planEvent.EventId,
                CreatedUtc = now,
            });
            db.Enqueue(planEvent);
            sent++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (sent > 0)
        {
            logger.LogInformation("Sent {Count} deadline notice(s) for plan {PlanId} in stage {Stage}, due {DueUtc:O}.", sent, plan.Id, plan.Stage, plan.DueUtc);
        }

        return sent;
    }

    private sealed record DuePlan(
        Guid Id, string CommitteeCode, string Title, int Revision, string Stage, int StageEntry, DateTime StageEnteredUtc,
        DateTime? DueUtc, DateTime NextDeadlineUtc, string WorkflowId, int WorkflowVersion);
}

/// <summary>Runs <see cref="DeadlineSweep"/> every <see cref="DeadlineOptions.SweepInterval"/> on every instance.</summary>
internal sealed class DeadlineSweeper(DeadlineSweep sweep, IOptions<DeadlineOptions> options, TimeProvider clock, ILogger<DeadlineSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sweep.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The deadline sweep failed; it tries again in {Interval}.", options.Value.SweepInterval);
            }

            try
            {
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
