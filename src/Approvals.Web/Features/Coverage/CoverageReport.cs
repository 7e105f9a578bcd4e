using System.Text.Json;
using Approvals.Core;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Coverage;

/// <summary>The flag columns of one plan as stored; <see cref="FlaggedGoals"/> is the stored JSON text, in UTF-8.</summary>
public sealed record PlanFlagColumns(
    Guid Id, string CommitteeCode, int CommitteeOrder, string Title, string Stage, int GoalCount, int FlaggedGoalCount, byte[] FlaggedGoals);

/// <summary>
/// Which goals still lack a real indicator, across committees. Built from the flag columns stored on each plan
/// when its content is saved (GoalCount, FlaggedGoalCount, FlaggedGoals), never by validating plans, and
/// streamed in one pass: the JSON copies each stored goal into the response without deserialising it.
/// </summary>
public static class CoverageReport
{
    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web);

    // EF hands out a column with a value converter only deserialised, and the report wants the stored text, so it
    // reads its columns with SQL of its own (quoted names, as EF creates them on both providers). FlaggedGoals is
    // read as its UTF-8 bytes, which the JSON report copies as they are, instead of as a string to encode again.
    // The committee order key is CoverageOrder's, the expression its index holds the plans by. EF composes filters and
    // order on top.
    private static readonly string SqliteSql = Select("""CAST("FlaggedGoals" AS BLOB)""");
    private static readonly string PostgresSql = Select("""convert_to("FlaggedGoals", 'UTF8')""");

    /// <summary>The plans in scope, in the report's order: council committee order, then title, then id.</summary>
    public static IAsyncEnumerable<PlanFlagColumns> Plans(ApprovalsDbContext db, Committee? committee, string? stage) =>
        Query(db, committee, stage).AsAsyncEnumerable();

    /// <summary>
    /// The query of <see cref="Plans"/>. Its order is the index <c>IX_Plans_CoverageOrder</c>'s (migration
    /// CoverageOrderIndex), so the whole report reads the rows in order instead of sorting them with their stored goals.
    /// </summary>
    internal static IQueryable<PlanFlagColumns> Query(ApprovalsDbContext db, Committee? committee, string? stage) =>
        InOrder(Filtered(db, committee, stage));

    private static IOrderedQueryable<PlanFlagColumns> InOrder(IQueryable<PlanFlagColumns> plans) =>
        plans.OrderBy(p => p.CommitteeOrder).ThenBy(p => p.Title).ThenBy(p => p.Id);

    private static IQueryable<PlanFlagColumns> Filtered(ApprovalsDbContext db, Committee? committee, string? stage)
    {
        var query = db.Database.SqlQueryRaw<PlanFlagColumns>(db.OnSqlite ? SqliteSql : PostgresSql);
        if (committee is not null)
        {
            query = query.Where(p => p.CommitteeCode == committee.Code);
        }

        // A stage id as sent, e.g. " draft": the validator has checked it names a stage (WorkflowCatalog.StageId).
        if (TextRules.Identifier(stage) is { } stageId)
        {
            query = query.Where(p => p.Stage == stageId);
        }

        return query;
    }

    /// <summary>
    /// One page of the report's rows, in the report's order, and the summary of every committee in scope, for the
    /// coordinator page (the API and the CSV stream the whole report instead). The summary is added up by the database;
    /// the rows are found by walking the plans' flagged-goal counts (two numbers a plan) until the page is covered,
    /// and only the plans on the page have their stored goals read.
    /// </summary>
    public static async Task<CoveragePage> PageAsync(ApprovalsDbContext db, Committee? committee, string? stage, PageRequest page, CancellationToken ct)
    {
        var filtered = Filtered(db, committee, stage);
        var sums = await filtered.GroupBy(p => p.CommitteeCode)
            .Select(g => new { Committee = g.Key, Goals = g.Sum(p => p.GoalCount), Flagged = g.Sum(p => p.FlaggedGoalCount) })
            .ToListAsync(ct);
        var totals = new CoverageTotals(committee);
        foreach (var sum in sums)
        {
            totals.Add(sum.Committee, sum.Goals, sum.Flagged);
        }

        var totalRows = sums.Sum(s => s.Flagged);
        var onPage = new List<(Guid Id, int From)>();
        long seen = 0;
        await foreach (var plan in InOrder(filtered.Where(p => p.FlaggedGoalCount > 0)).Select(p => new { p.Id, p.FlaggedGoalCount }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (seen + plan.FlaggedGoalCount > page.Skip)
            {
                onPage.Add((plan.Id, (int)Math.Max(0, page.Skip - seen)));
            }

            seen += plan.FlaggedGoalCount;
            if (seen >= page.Skip + page.PageSize)
            {
                break;
            }
        }

        var ids = onPage.Select(p => p.Id).ToList();
        var plans = await filtered.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var rows = onPage
            .SelectMany(p => FlaggedGoalsOf(plans[p.Id]).Skip(p.From).Select(g => RowOf(plans[p.Id], g)))
            .Take(page.PageSize)
            .ToList();
        return new CoveragePage(rows, totals.Summary(), totalRows, page.Page, page.PageSize);
    }

    public static MissingIndicatorRow RowOf(PlanFlagColumns plan, FlaggedGoal g) =>
        new(plan.CommitteeCode, plan.Id, plan.Title, plan.Stage, g.Objective, g.ObjectiveTitle, g.Goal, g.GoalNumber, g.GoalText, g.Code, g.IndicatorText);

    /// <summary>The stored flagged goals of a plan, read with the options ApprovalsDbContext stores documents with.</summary>
    public static List<FlaggedGoal> FlaggedGoalsOf(PlanFlagColumns plan) =>
        JsonSerializer.Deserialize<List<FlaggedGoal>>(plan.FlaggedGoals, StoredJson)!;

    public static double? ShareCovered(int goals, int flagged) =>
        goals == 0 ? null : Math.Round((goals - flagged) / (double)goals, 4);

    private static string Select(string flaggedGoalsAsUtf8) =>
        $"""
        SELECT "Id", "CommitteeCode", {CoverageOrder.CommitteeOrderSql} AS "CommitteeOrder", "Title", "Stage",
               "GoalCount", "FlaggedGoalCount", {flaggedGoalsAsUtf8} AS "FlaggedGoals"
        FROM "Plans"
        """;

}

/// <summary>Goals and flagged goals per committee, added up plan by plan while the rows are written.</summary>
public sealed class CoverageTotals(Committee? only)
{
    private readonly Dictionary<string, (int Goals, int Flagged)> _byCommittee = [];

    public void Add(PlanFlagColumns plan) => Add(plan.CommitteeCode, plan.GoalCount, plan.FlaggedGoalCount);

    public void Add(string committeeCode, int goals, int flagged)
    {
        var (sumGoals, sumFlagged) = _byCommittee.GetValueOrDefault(committeeCode);
        _byCommittee[committeeCode] = (sumGoals + goals, sumFlagged + flagged);
    }

    /// <summary>Every committee in scope, in council order, including those with no plans (no share then).</summary>
    public List<CommitteeCoverage> Summary() =>
        (only is null ? Committee.All : [only])
            .Select(c =>
            {
                var (goals, flagged) = _byCommittee.GetValueOrDefault(c.Code);
                return new CommitteeCoverage(c.Code, c.Name, goals, flagged, CoverageReport.ShareCovered(goals, flagged));
            })
            .ToList();
}
