using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Home;

public sealed class IndexModel(ApprovalsDbContext db, WorkflowRuntime workflows) : PageModel
{
    public IReadOnlyList<PlanSummary> Tasks { get; private set; } = [];

    /// <summary>The own committee's plans; null for users who are not secretaries.</summary>
    public IReadOnlyList<PlanSummary>? MyPlans { get; private set; }

    public bool IsSecretary => User.IsInRole(Roles.Secretary);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Tasks = Summaries(await MyTasks.For(db, User, workflows, ct));
        if (IsSecretary)
        {
            var own = User.CommitteeCode();
            var rows = await db.Plans.AsNoTracking()
                .Where(p => p.CommitteeCode == own)
                .Select(p => new { p.Id, p.CommitteeCode, p.Title, p.Stage, p.Revision, p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc, p.DueUtc })
                .ToListAsync(ct);
            MyPlans = rows
                .Select(p => new PlanSummary(p.Id, p.CommitteeCode, Committee.Find(p.CommitteeCode)!.Name, p.Title, p.Stage, p.Revision,
                    p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc, p.DueUtc))
                .OrderBy(p => p.Title, StringComparer.Ordinal)
                .ToList();
        }
    }

    // Sorted here, not by the database, whose collation would decide where "ØU" and lower-case titles go. Tasks with a
    // due time come first, earliest first: the overdue, then those nearly due; then the rest by committee and title.
    private static IReadOnlyList<PlanSummary> Summaries(IEnumerable<Plan> plans) => plans
        .Select(p => new PlanSummary(p.Id, p.CommitteeCode, p.Committee.Name, p.Title, p.Stage, p.Revision,
            p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc, p.DueUtc))
        .OrderBy(p => p.DueUtc is null).ThenBy(p => p.DueUtc)
        .ThenBy(p => CommitteeOrder(p.Committee)).ThenBy(p => p.Title, StringComparer.Ordinal)
        .ToList();

    private static int CommitteeOrder(string code) => Committee.All.ToList().FindIndex(c => c.Code == code);
}
