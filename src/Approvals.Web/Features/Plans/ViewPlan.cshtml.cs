using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Plans;

public sealed class ViewPlanModel(ApprovalsDbContext db) : PageModel
{
    public Plan Plan { get; private set; } = null!;

    public PlanFlagIndex Flags { get; private set; } = null!;

    public IReadOnlyList<JournalEntry> History { get; private set; } = [];

    public bool CanEdit => User.CanWrite(Plan.CommitteeCode) && Plan.IsEditable();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var (plan, refusal) = await this.Read(db, id, ct);
        if (plan is null)
        {
            return refusal!;
        }

        Plan = plan;
        Flags = PlanFlagIndex.Of(plan.Content);
        History = await db.Journal.AsNoTracking().Where(j => j.PlanId == id).OrderBy(j => j.Id).ToListAsync(ct);
        return Page();
    }
}

/// <summary>What the action area of the plan page needs; round 2 adds the workflow's permitted actions.</summary>
public sealed record PlanActionsModel(Plan Plan, bool CanEdit);
