namespace Approvals.Core.Plans;

/// <summary>
/// A plan's content document, held apart from the plan's own fields so it can be read only when something needs it.
/// The workflow reads and rewrites the plan on every action but needs the document only to freeze a revision, to
/// explain a flag the stored counts show, or to find the goal a comment points at; the document (tens of KB of JSON)
/// costs more to read and deserialise than the rest of the plan. <see cref="Plan.Content"/> is the way to it.
/// </summary>
public sealed class PlanContentDocument
{
    private PlanContentDocument()
    {
    }

    internal PlanContentDocument(Guid planId, PlanContent content)
    {
        PlanId = planId;
        Content = content;
    }

    /// <summary>The stored document of the plan <paramref name="planId"/>, for a read written by hand past the database mapping (see <see cref="Plan.Restore"/>).</summary>
    public static PlanContentDocument Restore(Guid planId, PlanContent content) => new(planId, content);

    public Guid PlanId { get; private set; }

    /// <summary>Replaced whole by <see cref="Plan.Edit"/>, never changed in place.</summary>
    public PlanContent Content { get; internal set; } = PlanContent.Empty;
}

/// <summary>
/// The plan was read without its content document, and something asked for the content. A programming error: the
/// code that read the plan must load the document first (reads include it unless they opt out).
/// </summary>
public sealed class PlanContentNotLoadedException(Guid planId)
    : InvalidOperationException($"Plan {planId} was read without its content document, which is needed here. Load the document before reading the content.");
