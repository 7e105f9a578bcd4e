using Approvals.Core.Flags;

namespace Approvals.Core.Plans;

/// <summary>
/// Every field a plan's own row stores, as stored: what <see cref="Plan.Restore"/> makes a plan of, for a read written
/// by hand past the database mapping. The content document is not part of the row.
/// </summary>
public sealed record PlanRow(
    Guid Id,
    string CommitteeCode,
    string Title,
    string OwnerId,
    string Stage,
    string WorkflowId,
    int WorkflowVersion,
    int Revision,
    string? SubmittedBy,
    IReadOnlyList<string> ContentAuthors,
    IReadOnlyList<string> RevisionApprovers,
    Guid ConcurrencyToken,
    DateTime CreatedUtc,
    int StageEntry,
    DateTime StageEnteredUtc,
    DateTime? DueUtc,
    DateTime? NextDeadlineUtc,
    DateTime UpdatedUtc,
    int GoalCount,
    int ErrorCount,
    int WarningCount,
    int FlaggedGoalCount,
    List<FlaggedGoal> FlaggedGoals);
