using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Home;

public sealed class IndexModel(ApprovalsDbContext db) : PageModel
{
    public IReadOnlyList<PlanSummary> Tasks { get; private set; } = [];

    /// <summary>The own committee's plans; null for users who are not secretaries.</summary>
    public IReadOnlyList<PlanSummary>? MyPlans { get; private set; }

    public bool IsSecretary => User.IsInRole(Roles.Secretary);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Tasks = await Summaries(MyTasks.For(db.Plans.AsNoTracking(), User), ct);
        if (IsSecretary)
        {
            var own = User.CommitteeCode();
            MyPlans = await Summaries(db.Plans.AsNoTracking().Where(p => p.CommitteeCode == own), ct);
        }
    }

    private static async Task<IReadOnlyList<PlanSummary>> Summaries(IQueryable<Plan> plans, CancellationToken ct)
    {
        var rows = await plans
            .OrderBy(p => p.CommitteeCode).ThenBy(p => p.Title)
            .Select(p => new { p.Id, p.CommitteeCode, p.Title, p.Stage, p.Revision, p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc })
            .ToListAsync(ct);
        return rows
            .Select(p => new PlanSummary(p.Id, p.CommitteeCode, Committee.Find(p.CommitteeCode)!.Name, p.Title, p.Stage, p.Revision,
                p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc))
            .ToList();
    }
}
