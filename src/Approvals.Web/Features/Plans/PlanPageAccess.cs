using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Delegation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// Loads the plan a page is about, with the same access rules as the API: a missing plan is 404, another
/// committee's plan is 403 for a secretary (to read) and for everyone but its own secretary (to write).
/// The status codes are rendered by the friendly error page.
/// </summary>
public static class PlanPageAccess
{
    public static async Task<(Plan? Plan, IActionResult? Refusal)> Read(this PageModel page, ApprovalsDbContext db, Guid id, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return (null, page.NotFound());
        }

        return await page.HttpContext.CanReadAsync(plan.CommitteeCode, ct) ? (plan, null) : (null, page.StatusCode(StatusCodes.Status403Forbidden));
    }

    public static async Task<(Plan? Plan, IActionResult? Refusal)> Write(this PageModel page, ApprovalsDbContext db, Guid id, CancellationToken ct)
    {
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return (null, page.NotFound());
        }

        return page.User.CanWrite(plan.CommitteeCode) ? (plan, null) : (null, page.StatusCode(StatusCodes.Status403Forbidden));
    }
}
