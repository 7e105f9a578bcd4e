using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Deadlines;

/// <summary>One row of the overview <c>/planer</c>.</summary>
public sealed record PlanOverviewRow(
    Guid PlanId,
    string Committee,
    string CommitteeName,
    string Title,
    string Stage,
    LocalizedText StageName,
    DateTime? DueUtc,
    bool Overdue,
    int FlaggedGoalCount,
    int ErrorCount,
    int WarningCount,
    DateTime UpdatedUtc);

/// <summary>One page of the overview, with how many plans match in all.</summary>
public sealed record PlanOverviewPage(IReadOnlyList<PlanOverviewRow> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The plans a user may read, filtered and paged by the database: secretaries see their own committee, every other
/// role all committees, an account without a role none. Newest change first (then id), so pages neither depend on a
/// collation nor shift between requests unless plans change.
/// </summary>
public static class PlanOverview
{
    public const int PageSize = 25;
    public const int MaxPage = 10_000;
    public const int MaxSearchLength = PlanSearch.MaxLength;

    public static async Task<PlanOverviewPage> Build(
        ApprovalsDbContext db, WorkflowCatalog catalog, ClaimsPrincipal user, Committee? committee, string? stage, string? search,
        int page, DateTime nowUtc, CancellationToken ct)
    {
        if (!user.HasAnyRole())
        {
            return new PlanOverviewPage([], 0, page, PageSize);
        }

        var query = db.Plans.AsNoTracking();
        if (user.IsOnlySecretary())
        {
            var own = user.CommitteeCode();
            query = query.Where(p => p.CommitteeCode == own);
        }

        if (committee is not null)
        {
            query = query.Where(p => p.CommitteeCode == committee.Code);
        }

        if (!string.IsNullOrEmpty(stage))
        {
            query = query.Where(p => p.Stage == stage);
        }

        if (!string.IsNullOrWhiteSpace(search) && !search.Any(char.IsControl))
        {
            query = query.Matching(db, search);
        }

        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(p => p.UpdatedUtc).ThenBy(p => p.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(p => new
            {
                p.Id, p.CommitteeCode, p.Title, p.Stage, p.WorkflowId, p.WorkflowVersion, p.DueUtc,
                p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc,
            })
            .ToListAsync(ct);
        return new PlanOverviewPage(
            [.. rows.Select(p => new PlanOverviewRow(
                p.Id, p.CommitteeCode, Committee.Find(p.CommitteeCode)?.Name ?? p.CommitteeCode, p.Title, p.Stage,
                catalog.Find(p.WorkflowId, p.WorkflowVersion)?.FindStage(p.Stage)?.Name ?? new LocalizedText(p.Stage, p.Stage),
                p.DueUtc, p.DueUtc is { } due && due < nowUtc, p.FlaggedGoalCount, p.ErrorCount, p.WarningCount, p.UpdatedUtc))],
            total, page, PageSize);
    }
}
