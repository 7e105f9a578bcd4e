namespace Approvals.Core.Plans;

/// <summary>One line of a plan's append-only history: an action taken, by whom, when, and why.</summary>
public sealed class JournalEntry
{
    private JournalEntry()
    {
    }

    public long Id { get; private set; }

    public Guid PlanId { get; private set; }

    public string Action { get; private set; } = "";

    public string FromStage { get; private set; } = "";

    public string ToStage { get; private set; } = "";

    public string ActorId { get; private set; } = "";

    public string ActorName { get; private set; } = "";

    public DateTime AtUtc { get; private set; }

    public string? Comment { get; private set; }

    public int Revision { get; private set; }

    /// <summary>The person whose delegated authority the actor used ("X on behalf of Y"); null when they acted on their own.</summary>
    public string? OnBehalfOfId { get; private set; }

    public string? OnBehalfOfName { get; private set; }

    public static JournalEntry Record(
        Guid planId, string action, string fromStage, string toStage,
        string actorId, string actorName, DateTime atUtc, string? comment, int revision,
        string? onBehalfOfId = null, string? onBehalfOfName = null) => new()
    {
        OnBehalfOfId = onBehalfOfId,
        OnBehalfOfName = onBehalfOfName,
        PlanId = planId,
        Action = action,
        FromStage = fromStage,
        ToStage = toStage,
        ActorId = actorId,
        ActorName = actorName,
        AtUtc = atUtc,
        Comment = TextRules.IsBlank(comment) ? null : TextRules.Clean(comment),
        Revision = revision,
    };
}

/// <summary>The content of a plan as it was submitted: frozen, never changed. Reviewers approve exactly this.</summary>
public sealed class PlanRevision
{
    private PlanRevision()
    {
    }

    public Guid PlanId { get; private set; }

    public int Number { get; private set; }

    public string Title { get; private set; } = "";

    // Null only in a revision frozen from a plan read without its content document (see Freeze).
    private PlanContent? _content = PlanContent.Empty;

    /// <summary>
    /// The document as submitted. A revision frozen from a plan read without its document throws
    /// <see cref="PlanContentNotLoadedException"/> here: its writer copies the stored document into it.
    /// </summary>
    public PlanContent Content
    {
        get => _content ?? throw new PlanContentNotLoadedException(PlanId);
        private set => _content = value;
    }

    /// <summary>
    /// False for a revision frozen from a plan read without its document: the stored document is the plan's content
    /// as submitted (nothing changes it while the plan is in draft but an edit, which replaces the plan's concurrency
    /// token), so its writer copies that into the revision's row in the same statement, checked on the plan's token.
    /// </summary>
    public bool ContentLoaded => _content is not null;

    public string SubmittedBy { get; private set; } = "";

    public DateTime SubmittedUtc { get; private set; }

    public static PlanRevision Freeze(Plan plan, string submittedBy, DateTime nowUtc) => new()
    {
        PlanId = plan.Id,
        Number = plan.Revision,
        Title = plan.Title,
        _content = plan.ContentLoaded ? plan.Content : null,
        SubmittedBy = submittedBy,
        SubmittedUtc = nowUtc,
    };
}
