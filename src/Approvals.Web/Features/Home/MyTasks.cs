using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Home;

/// <summary>
/// Plans waiting for the user: those where the workflow runtime offers them an action now, allowed or blocked
/// by a guard the plan does not meet yet (a reviewer still has the plan to deal with). The runtime decides, by the
/// same rules as <c>GET /api/plans/{id}/actions</c>; the query only leaves out stages none of the user's roles
/// acts in under any loaded definition.
/// </summary>
public static class MyTasks
{
    public static async Task<IReadOnlyList<Plan>> For(ApprovalsDbContext db, ClaimsPrincipal user, WorkflowRuntime workflows, CancellationToken ct)
    {
        var plans = db.Plans.AsNoTracking();
        var actor = user.ToActor();
        var stages = workflows.Catalog.All
            .SelectMany(d => d.Transitions)
            .Where(t => t.Roles.Any(actor.Roles.Contains))
            .SelectMany(t => t.From)
            .Distinct()
            .ToList();
        if (stages.Count == 0)
        {
            return [];
        }

        var query = plans.Where(p => stages.Contains(p.Stage));
        if (user.IsOnlySecretary())
        {
            var own = user.CommitteeCode();
            query = query.Where(p => p.CommitteeCode == own);
        }

        // The guards read each plan's open comments: loaded for all candidates in one query, not one per plan.
        var comments = await PlanComments.OpenByPlanAsync(db, query, ct);
        var tasks = new List<Plan>();
        foreach (var plan in await query.ToListAsync(ct))
        {
            if ((await workflows.ActionsFor(new GuardContext(plan, comments[plan.Id].ToList()), actor)).Any(IsTask))
            {
                tasks.Add(plan);
            }
        }

        return tasks;
    }

    // Blocked only by the definition's guards: the plan is the user's to deal with. Blocked by the four-eyes rule:
    // someone else's.
    private static bool IsTask(ActionOption option) =>
        option.Allowed || option.Blocked.All(b => WorkflowGuards.Find(b.Guard) is not null);
}
