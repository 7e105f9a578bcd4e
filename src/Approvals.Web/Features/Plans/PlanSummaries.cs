using System.Linq.Expressions;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Plans;

/// <summary>One page of plan summaries, and how many there are in all.</summary>
public sealed record PlanPage(IReadOnlyList<PlanSummary> Items, int Total, int Page, int PageSize);

public enum PlanOrder
{
    /// <summary>Committee code, then title, each by code point (the API's list).</summary>
    CommitteeCodeThenTitle,

    /// <summary>The council's committee order (<see cref="Committee.All"/>), then title (the home page's tasks).</summary>
    CouncilOrderThenTitle,

    /// <summary>Title (a secretary's own plans, all of one committee).</summary>
    Title,

    /// <summary>
    /// Plans with a due time first, earliest first (the overdue, then the nearly due), then the council's committee
    /// order and title (the home page's tasks).
    /// </summary>
    DueThenCouncilOrderThenTitle,
}

/// <summary>
/// Plan lists read from the plan rows' stored columns (stage, flag counts), never the content, and a page at a time:
/// the database counts, orders and pages them, so an answer stays bounded however many plans there are.
/// </summary>
public static class PlanSummaries
{
    public static async Task<PlanPage> PageAsync(ApprovalsDbContext db, IQueryable<Plan> plans, PlanOrder order, PageRequest page, CancellationToken ct)
    {
        var total = await plans.CountAsync(ct);
        if (page.Skip >= total)
        {
            return new PlanPage([], total, page.Page, page.PageSize);
        }

        var collation = OrdinalOrder.CollationOf(db.Database);
        var ordered = order switch
        {
            PlanOrder.CommitteeCodeThenTitle => plans.OrderBy(p => EF.Functions.Collate(p.CommitteeCode, collation)).ThenBy(p => EF.Functions.Collate(p.Title, collation)),
            PlanOrder.CouncilOrderThenTitle => plans.OrderBy(CouncilOrder()).ThenBy(p => EF.Functions.Collate(p.Title, collation)),
            PlanOrder.DueThenCouncilOrderThenTitle => plans.OrderBy(p => p.DueUtc == null).ThenBy(p => p.DueUtc)
                .ThenBy(CouncilOrder()).ThenBy(p => EF.Functions.Collate(p.Title, collation)),
            _ => plans.OrderBy(p => EF.Functions.Collate(p.Title, collation)),
        };
        var rows = await ordered.ThenBy(p => p.Id)
            .Skip((int)page.Skip)
            .Take(page.PageSize)
            .Select(p => new { p.Id, p.CommitteeCode, p.Title, p.Stage, p.Revision, p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc, p.DueUtc })
            .ToListAsync(ct);
        return new PlanPage(
            rows.Select(p => new PlanSummary(p.Id, p.CommitteeCode, Committee.Find(p.CommitteeCode)?.Name ?? p.CommitteeCode, p.Title, p.Stage, p.Revision,
                p.GoalCount, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc, p.DueUtc)).ToList(),
            total,
            page.Page,
            page.PageSize);
    }

    // CASE "CommitteeCode" WHEN 'ØU' THEN 0 WHEN 'TMU' THEN 1 ... END, built from Committee.All, never from input.
    private static Expression<Func<Plan, int>> CouncilOrder()
    {
        var plan = Expression.Parameter(typeof(Plan), "p");
        var code = Expression.Property(plan, nameof(Plan.CommitteeCode));
        Expression order = Expression.Constant(Committee.All.Count);
        for (var i = Committee.All.Count - 1; i >= 0; i--)
        {
            order = Expression.Condition(Expression.Equal(code, Expression.Constant(Committee.All[i].Code)), Expression.Constant(i), order);
        }

        return Expression.Lambda<Func<Plan, int>>(order, plan);
    }
}
