using System.Data.Common;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Persistence;

/// <summary>
/// A plan's own row, without its content document, read by one statement prepared once (<see cref="PreparedReads"/>)
/// and made a plan with <see cref="Plan.Restore"/>: what the list of actions and a transition read, past EF Core's
/// query pipeline. The columns are converted as the mapping converts them (<see cref="StoredColumns"/>), and a test
/// compares every property with EF Core's read of the same row.
/// </summary>
public static class PlanRows
{
    private const string Sql = """
        SELECT "Id", "CommitteeCode", "Title", "OwnerId", "Stage", "WorkflowId", "WorkflowVersion", "Revision",
               "SubmittedBy", "ContentAuthors", "RevisionApprovers", "ConcurrencyToken", "CreatedUtc", "StageEntry",
               "StageEnteredUtc", "DueUtc", "NextDeadlineUtc", "UpdatedUtc", "GoalCount", "ErrorCount", "WarningCount",
               "FlaggedGoalCount", "FlaggedGoals"
        FROM "Plans"
        WHERE "Id" = @id
        """;

    private const string ContentSql = """SELECT "Content" FROM "PlanContents" WHERE "Id" = @id""";

    /// <summary>The plan, not tracked and without its content document, or null when there is none.</summary>
    public static Task<Plan?> ReadAsync(ApprovalsDbContext db, PreparedReads reads, Guid id, CancellationToken ct) =>
        reads.ReadAsync(db, Sql, reader => reader.Read() ? Plan.Restore(From(reader)) : null, ct, ("@id", id));

    /// <summary>
    /// The plan, not tracked and without its content document, and a second copy of it as read, or null when there is
    /// none: for a write past the change tracker (<see cref="ChangeWriter.TryWriteAsync"/>), which compares the two to
    /// find the columns changed and checks the copy's concurrency token, as a save of the tracked plan would.
    /// </summary>
    public static async Task<(Plan Plan, Plan Read)?> ReadUntrackedAsync(ApprovalsDbContext db, PreparedReads reads, Guid id, CancellationToken ct) =>
        await reads.ReadAsync(db, Sql, reader => reader.Read() ? From(reader) : null, ct, ("@id", id)) is { } row
            ? (Plan.Restore(row), Plan.Restore(row))
            : null;

    /// <summary>
    /// The plan, tracked by <paramref name="db"/> as if EF Core had read it (unchanged, its stored values the original
    /// ones, so a save writes what changed and checks the concurrency token read), without its content document.
    /// </summary>
    public static async Task<Plan?> ReadTrackedAsync(ApprovalsDbContext db, PreparedReads reads, Guid id, CancellationToken ct)
    {
        var plan = await ReadAsync(db, reads, id, ct);
        if (plan is not null)
        {
            db.Attach(plan);
        }

        return plan;
    }

    /// <summary>
    /// Loads the content document of a plan read without it (or restored from its row), by one statement prepared once;
    /// nothing when it has it. The plan and its document end up tracked by <paramref name="db"/> as EF Core's own load
    /// leaves them: unchanged, their stored values the original ones, the document the plan's (a plan not tracked yet is
    /// attached first). It is a second read: a change to the plan in between renews the plan's concurrency token, so a
    /// write based on the two reads fails on the token rather than mixing two versions. A plan whose document is missing
    /// stays without it, as EF Core's load leaves it.
    /// </summary>
    public static async Task LoadContentAsync(ApprovalsDbContext db, PreparedReads reads, Plan plan, CancellationToken ct)
    {
        if (plan.ContentLoaded)
        {
            return;
        }

        if (db.Entry(plan).State == EntityState.Detached)
        {
            db.Attach(plan);
        }

        if (await ReadContentAsync(db, reads, plan, ct) is { } content)
        {
            // Tracked as read, and joined to the plan by EF Core's fix-up of the key it shares with it.
            db.Attach(PlanContentDocument.Restore(plan.Id, content));
        }
    }

    /// <summary>
    /// Loads the content document of a plan that is not tracked (<see cref="ReadUntrackedAsync"/>) and stays so, by the
    /// same statement; nothing when it has it. A plan whose document is missing stays without it.
    /// </summary>
    public static async Task LoadContentUntrackedAsync(ApprovalsDbContext db, PreparedReads reads, Plan plan, CancellationToken ct)
    {
        if (!plan.ContentLoaded && await ReadContentAsync(db, reads, plan, ct) is { } content)
        {
            plan.RestoreContent(content);
        }
    }

    private static Task<PlanContent?> ReadContentAsync(ApprovalsDbContext db, PreparedReads reads, Plan plan, CancellationToken ct) =>
        reads.ReadAsync(db, ContentSql, reader => reader.Read() ? StoredColumns.Content(reader.GetString(0)) : null, ct, ("@id", plan.Id));

    private static PlanRow From(DbDataReader reader) => new(
        Id: reader.GetFieldValue<Guid>(0),
        CommitteeCode: reader.GetString(1),
        Title: reader.GetString(2),
        OwnerId: reader.GetString(3),
        Stage: reader.GetString(4),
        WorkflowId: reader.GetString(5),
        WorkflowVersion: reader.GetInt32(6),
        Revision: reader.GetInt32(7),
        SubmittedBy: reader.GetStringOrNull(8),
        ContentAuthors: StoredColumns.UserIds(reader.GetStringOrNull(9)),
        RevisionApprovers: StoredColumns.UserIds(reader.GetStringOrNull(10)),
        ConcurrencyToken: reader.GetFieldValue<Guid>(11),
        CreatedUtc: reader.GetUtcDateTime(12),
        StageEntry: reader.GetInt32(13),
        StageEnteredUtc: reader.GetUtcDateTime(14),
        DueUtc: reader.GetUtcDateTimeOrNull(15),
        NextDeadlineUtc: reader.GetUtcDateTimeOrNull(16),
        UpdatedUtc: reader.GetUtcDateTime(17),
        GoalCount: reader.GetInt32(18),
        ErrorCount: reader.GetInt32(19),
        WarningCount: reader.GetInt32(20),
        FlaggedGoalCount: reader.GetInt32(21),
        FlaggedGoals: StoredColumns.FlaggedGoals(reader.GetString(22)));
}
