using Approvals.Core.Flags;

namespace Approvals.Core.Plans;

/// <summary>
/// A committee's action plan. Content changes go through <see cref="Edit"/>; stage changes go through
/// the workflow runtime (<see cref="Workflow.WorkflowRuntime"/>), never by setting a field.
/// </summary>
public sealed class Plan
{
    /// <summary>The longest title a plan may have (the API and pages refuse longer; the column holds exactly this).</summary>
    public const int MaxTitleLength = 300;

    private Plan()
    {
    }

    public Guid Id { get; private set; }

    public string CommitteeCode { get; private set; } = "";

    public string Title { get; private set; } = "";

    /// <summary>The user id of the secretary who created the plan.</summary>
    public string OwnerId { get; private set; } = "";

    public string Stage { get; private set; } = "";

    /// <summary>The workflow definition this plan runs on, pinned when it started.</summary>
    public string WorkflowId { get; private set; } = "";

    public int WorkflowVersion { get; private set; }

    /// <summary>Starts at 1; each return to draft opens the next revision.</summary>
    public int Revision { get; private set; }

    /// <summary>Who submitted the current revision (four-eyes: they may not approve it).</summary>
    public string? SubmittedBy { get; private set; }

    /// <summary>
    /// The user ids of everyone who wrote the content: the plan's creator and each person who saved it since.
    /// Kept across revisions, as a returned revision carries the earlier content (four-eyes: none of them approves it).
    /// </summary>
    public IReadOnlyList<string> ContentAuthors { get; private set; } = [];

    /// <summary>The user ids of those who approved the current revision at some stage (four-eyes: once each). Emptied on return.</summary>
    public IReadOnlyList<string> RevisionApprovers { get; private set; } = [];

    /// <summary>Renewed on every write; a write carrying an older token is refused.</summary>
    public Guid ConcurrencyToken { get; private set; }

    public DateTime CreatedUtc { get; private set; }

    /// <summary>
    /// Counts the plan's stage entries: 1 when it starts, one more on every transition. A stage's reminders and
    /// escalation belong to one entry, so entering the same stage again starts them afresh.
    /// </summary>
    public int StageEntry { get; private set; }

    /// <summary>When the plan entered its current stage.</summary>
    public DateTime StageEnteredUtc { get; private set; }

    /// <summary>When the current stage is due, fixed as the plan entered it; null in a stage without a due time.</summary>
    public DateTime? DueUtc { get; private set; }

    /// <summary>
    /// When the next reminder or escalation of the current stage entry is due; null when none is left. The deadline
    /// sweep reads plans by this column only, so it costs nothing for plans with nothing due.
    /// </summary>
    public DateTime? NextDeadlineUtc { get; private set; }

    public DateTime UpdatedUtc { get; private set; }

    /// <summary>
    /// The plan's objectives, goals, indicators and activities. Reads of a plan include the document unless they opt
    /// out (a workflow action that does not need it); reading the content of a plan read without it throws
    /// <see cref="PlanContentNotLoadedException"/> rather than answering from an empty document.
    /// </summary>
    public PlanContent Content => (Document ?? throw new PlanContentNotLoadedException(Id)).Content;

    /// <summary>Whether the content document was read with the plan (or loaded since), so <see cref="Content"/> may be read.</summary>
    public bool ContentLoaded => Document is not null;

    // The content document, a navigation of the plan's own (the database keeps it in a row of its own).
    private PlanContentDocument? Document { get; set; }

    /// <summary>Flag summary kept with the content so lists and reports need not re-validate.</summary>
    public int GoalCount { get; private set; }

    public int ErrorCount { get; private set; }

    public int WarningCount { get; private set; }

    /// <summary>Goals flagged <c>indicator-missing</c> or <c>indicator-placeholder</c>.</summary>
    public int FlaggedGoalCount { get; private set; }

    public List<FlaggedGoal> FlaggedGoals { get; private set; } = [];

    public Committee Committee => Committee.Find(CommitteeCode)
        ?? throw new InvalidOperationException($"Plan {Id} has unknown committee '{CommitteeCode}'.");

    public static Plan Start(
        Committee committee,
        string title,
        string ownerId,
        PlanContent content,
        string workflowId,
        int workflowVersion,
        string initialStage,
        DateTime nowUtc)
    {
        var plan = new Plan
        {
            Id = Guid.CreateVersion7(),
            CommitteeCode = committee.Code,
            OwnerId = ownerId,
            WorkflowId = workflowId,
            WorkflowVersion = workflowVersion,
            Stage = initialStage,
            Revision = 1,
            CreatedUtc = nowUtc,
            StageEntry = 1,
            StageEnteredUtc = nowUtc,
        };
        plan.Document = new PlanContentDocument(plan.Id, PlanContent.Empty);
        plan.ApplyContent(ownerId, title, content, nowUtc);
        return plan;
    }

    /// <summary>
    /// The plan a stored row holds, without its content document (<see cref="ContentLoaded"/> is false, so reading
    /// <see cref="Content"/> throws): for a read written by hand past the database mapping, which reads a plan as the
    /// mapping would with its content left out. Nothing is checked or derived: the row was written by this class.
    /// </summary>
    public static Plan Restore(PlanRow row) => new()
    {
        Id = row.Id,
        CommitteeCode = row.CommitteeCode,
        Title = row.Title,
        OwnerId = row.OwnerId,
        Stage = row.Stage,
        WorkflowId = row.WorkflowId,
        WorkflowVersion = row.WorkflowVersion,
        Revision = row.Revision,
        SubmittedBy = row.SubmittedBy,
        ContentAuthors = row.ContentAuthors,
        RevisionApprovers = row.RevisionApprovers,
        ConcurrencyToken = row.ConcurrencyToken,
        CreatedUtc = row.CreatedUtc,
        StageEntry = row.StageEntry,
        StageEnteredUtc = row.StageEnteredUtc,
        DueUtc = row.DueUtc,
        NextDeadlineUtc = row.NextDeadlineUtc,
        UpdatedUtc = row.UpdatedUtc,
        GoalCount = row.GoalCount,
        ErrorCount = row.ErrorCount,
        WarningCount = row.WarningCount,
        FlaggedGoalCount = row.FlaggedGoalCount,
        FlaggedGoals = row.FlaggedGoals,
    };

    /// <summary>
    /// Gives a plan restored from its row (<see cref="Restore"/>) its stored content document, read by hand as well,
    /// for a caller that keeps the plan out of the database mapping's tracking; the mapping's own load joins them
    /// itself. Nothing is checked: the document was written by this class.
    /// </summary>
    public void RestoreContent(PlanContent content)
    {
        if (Document is not null)
        {
            throw new InvalidOperationException($"Plan {Id} already has its content document.");
        }

        Document = PlanContentDocument.Restore(Id, content);
    }

    /// <summary>Replaces title and content, written by <paramref name="editorId"/>. The caller has checked that the stage allows editing.</summary>
    public void Edit(string editorId, string title, PlanContent content, bool stageIsEditable, DateTime nowUtc)
    {
        if (!stageIsEditable)
        {
            throw new PlanNotEditableException(Stage);
        }

        ApplyContent(editorId, title, content, nowUtc);
    }

    /// <summary>
    /// Moves the plan to another stage, which it enters now, due at <paramref name="dueUtc"/> (null: no due time) with
    /// its first reminder or escalation at <paramref name="nextDeadlineUtc"/>. Only the workflow runtime calls this.
    /// </summary>
    internal void MoveTo(string stage, DateTime nowUtc, DateTime? dueUtc = null, DateTime? nextDeadlineUtc = null)
    {
        Stage = stage;
        StageEntry++;
        StageEnteredUtc = nowUtc;
        SetDeadline(dueUtc, nextDeadlineUtc);
        Touch(nowUtc);
    }

    /// <summary>Fixes the due time of the stage the plan has just entered (on start, the initial stage's).</summary>
    internal void SetDeadline(DateTime? dueUtc, DateTime? nextDeadlineUtc)
    {
        DueUtc = dueUtc;
        NextDeadlineUtc = dueUtc is null ? null : nextDeadlineUtc;
    }

    /// <summary>Whether the current stage's due time has passed at <paramref name="nowUtc"/>.</summary>
    public bool IsOverdue(DateTime nowUtc) => DueUtc is { } due && nowUtc > due;

    internal void MarkSubmittedBy(string userId) => SubmittedBy = userId;

    // The lists are replaced, never changed in place: the database mapping compares them by reference.
    internal void RecordApproval(IEnumerable<string> userIds) =>
        RevisionApprovers = [.. RevisionApprovers.Union(userIds, StringComparer.Ordinal)];

    /// <summary>A return to draft opens a new revision from the frozen one; its content keeps its authors.</summary>
    internal void OpenNextRevision()
    {
        Revision++;
        SubmittedBy = null;
        RevisionApprovers = [];
    }

    private void ApplyContent(string authorId, string title, PlanContent content, DateTime nowUtc)
    {
        if (!ContentAuthors.Contains(authorId, StringComparer.Ordinal))
        {
            ContentAuthors = [.. ContentAuthors, authorId];
        }

        Title = TextRules.Clean(title);
        // Items that arrive without an id (new ones) get one now, so every stored document has them all. The document
        // is replaced in the row it was read from: a plan read without it cannot be edited.
        (Document ?? throw new PlanContentNotLoadedException(Id)).Content = ContentIds.WithNewIds(content);
        var flags = PlanFlagger.Evaluate(this);
        GoalCount = Content.Goals.Count();
        ErrorCount = flags.Count(f => f.Severity == FlagSeverity.Error);
        WarningCount = flags.Count(f => f.Severity == FlagSeverity.Warning);
        FlaggedGoals = FlaggedGoal.From(Content, flags);
        FlaggedGoalCount = FlaggedGoals.Count;
        Touch(nowUtc);
    }

    private void Touch(DateTime nowUtc)
    {
        UpdatedUtc = nowUtc;
        ConcurrencyToken = Guid.NewGuid();
    }
}

public sealed class PlanNotEditableException(string stage)
    : InvalidOperationException($"The plan is in stage '{stage}', where its content cannot be changed. Return it to draft first.")
{
    public string Stage { get; } = stage;
}
