using Approvals.Core.Plans;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// Which goals still lack a real indicator, across committees. Built from the flag columns stored on each
/// plan when its content is saved (GoalCount, FlaggedGoalCount, FlaggedGoals), never by validating plans.
/// </summary>
public static class CoverageReport
{
    public static async Task<CoverageReportResponse> Build(ApprovalsDbContext db, Committee? committee, string? stage, CancellationToken ct)
    {
        var query = db.Plans.AsNoTracking();
        if (committee is not null)
        {
            query = query.Where(p => p.CommitteeCode == committee.Code);
        }

        if (stage is not null)
        {
            query = query.Where(p => p.Stage == stage);
        }

        var plans = await query
            .Select(p => new { p.Id, p.CommitteeCode, p.Title, p.Stage, p.GoalCount, p.FlaggedGoalCount, p.FlaggedGoals })
            .ToListAsync(ct);

        var rows = plans
            .Where(p => p.FlaggedGoalCount > 0)
            .OrderBy(p => CommitteeOrder(p.CommitteeCode)).ThenBy(p => p.Title, StringComparer.Ordinal).ThenBy(p => p.Id)
            .SelectMany(p => p.FlaggedGoals.Select(g => new MissingIndicatorRow(
                p.CommitteeCode, p.Id, p.Title, p.Stage, g.ObjectivePosition, g.ObjectiveTitle, g.GoalPosition, g.GoalNumber, g.GoalText, g.Code, g.IndicatorText)))
            .ToList();

        var summary = (committee is null ? Committee.All : [committee])
            .Select(c =>
            {
                var goals = plans.Where(p => p.CommitteeCode == c.Code).Sum(p => p.GoalCount);
                var flagged = plans.Where(p => p.CommitteeCode == c.Code).Sum(p => p.FlaggedGoalCount);
                return new CommitteeCoverage(c.Code, c.Name, goals, flagged, ShareCovered(goals, flagged));
            })
            .ToList();

        return new CoverageReportResponse(summary, rows);
    }

    public static double? ShareCovered(int goals, int flagged) =>
        goals == 0 ? null : Math.Round((goals - flagged) / (double)goals, 4);

    private static int CommitteeOrder(string code)
    {
        for (var i = 0; i < Committee.All.Count; i++)
        {
            if (Committee.All[i].Code == code)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
