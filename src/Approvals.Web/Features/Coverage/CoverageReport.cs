using System.Text.Json;
using Approvals.Core;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Persistence;
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
    // The committee order key is built from Committee.All, never from input. EF composes filters and order on top.
    private static readonly string SqliteSql = Select("""CAST("FlaggedGoals" AS BLOB)""");
    private static readonly string PostgresSql = Select("""convert_to("FlaggedGoals", 'UTF8')""");

    public static IAsyncEnumerable<PlanFlagColumns> Plans(ApprovalsDbContext db, Committee? committee, string? stage)
    {
        var query = db.Database.SqlQueryRaw<PlanFlagColumns>(db.Database.IsSqlite() ? SqliteSql : PostgresSql);
        if (committee is not null)
        {
            query = query.Where(p => p.CommitteeCode == committee.Code);
        }

        // A stage id as sent, e.g. " draft": the validator has checked it names a stage (WorkflowCatalog.StageId).
        if (TextRules.Identifier(stage) is { } stageId)
        {
            query = query.Where(p => p.Stage == stageId);
        }

        return query.OrderBy(p => p.CommitteeOrder).ThenBy(p => p.Title).ThenBy(p => p.Id).AsAsyncEnumerable();
    }

    /// <summary>The whole report in memory, for the coordinator page (the API streams it instead).</summary>
    public static async Task<CoverageReportResponse> Build(ApprovalsDbContext db, Committee? committee, string? stage, CancellationToken ct)
    {
        var totals = new CoverageTotals(committee);
        var rows = new List<MissingIndicatorRow>();
        await foreach (var plan in Plans(db, committee, stage).WithCancellation(ct))
        {
            totals.Add(plan);
            if (plan.FlaggedGoalCount > 0)
            {
                rows.AddRange(FlaggedGoalsOf(plan).Select(g => new MissingIndicatorRow(
                    plan.CommitteeCode, plan.Id, plan.Title, plan.Stage, g.Objective, g.ObjectiveTitle, g.Goal, g.GoalNumber, g.GoalText, g.Code, g.IndicatorText)));
            }
        }

        return new CoverageReportResponse(rows, totals.Summary());
    }

    /// <summary>The stored flagged goals of a plan, read with the options ApprovalsDbContext stores documents with.</summary>
    public static List<FlaggedGoal> FlaggedGoalsOf(PlanFlagColumns plan) =>
        JsonSerializer.Deserialize<List<FlaggedGoal>>(plan.FlaggedGoals, StoredJson)!;

    public static double? ShareCovered(int goals, int flagged) =>
        goals == 0 ? null : Math.Round((goals - flagged) / (double)goals, 4);

    private static string Select(string flaggedGoalsAsUtf8) =>
        $"""
        SELECT "Id", "CommitteeCode", {CommitteeOrderSql()} AS "CommitteeOrder", "Title", "Stage",
               "GoalCount", "FlaggedGoalCount", {flaggedGoalsAsUtf8} AS "FlaggedGoals"
        FROM "Plans"
        """;

    private static string CommitteeOrderSql() =>
        "CASE \"CommitteeCode\" " +
        string.Concat(Committee.All.Select((c, i) => $"WHEN '{c.Code}' THEN {i} ")) +
        $"ELSE {Committee.All.Count} END";
}

/// <summary>Goals and flagged goals per committee, added up plan by plan while the rows are written.</summary>
public sealed class CoverageTotals(Committee? only)
{
    private readonly Dictionary<string, (int Goals, int Flagged)> _byCommittee = [];

    public void Add(PlanFlagColumns plan)
    {
        var (goals, flagged) = _byCommittee.GetValueOrDefault(plan.CommitteeCode);
        _byCommittee[plan.CommitteeCode] = (goals + plan.GoalCount, flagged + plan.FlaggedGoalCount);
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
