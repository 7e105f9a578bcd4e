using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Core.Workflow;

namespace Approvals.Web.Features.Comments;

/// <summary>
/// A plan's comments as a page shows them: sorted to the goal each is anchored to in the content shown (found by the
/// goal's id, wherever it stands now), to the plan as a whole, or to goals since removed; and what the signed-in user
/// may do with each, by <see cref="CommentRules"/>. A read-only board (the edit page) offers no forms.
/// </summary>
public sealed class CommentBoard
{
    private readonly WorkflowDefinition _definition;
    private readonly Plan _plan;
    private readonly WorkflowActor _actor;
    private readonly ILookup<string, PlanComment> _byGoal;

    public CommentBoard(WorkflowDefinition definition, Plan plan, WorkflowActor actor, IReadOnlyList<PlanComment> comments, PlanContent shown, bool readOnly = false)
    {
        _definition = definition;
        _plan = plan;
        _actor = actor;
        ReadOnly = readOnly;
        All = comments;
        Content = shown;
        var goalIds = shown.Goals.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        _byGoal = comments.Where(c => c.GoalId is not null && goalIds.Contains(c.GoalId)).ToLookup(c => c.GoalId!, StringComparer.Ordinal);
        WholePlan = comments.Where(c => c.Anchor.IsWholePlan).ToList();
        OnRemovedGoals = comments.Where(c => c.GoalId is not null && !goalIds.Contains(c.GoalId)).ToList();
    }

    public bool ReadOnly { get; }

    public IReadOnlyList<PlanComment> All { get; }

    /// <summary>The content the comments are placed in: the plan's, or the edit form's unsaved one.</summary>
    public PlanContent Content { get; }

    public Guid PlanId => _plan.Id;

    public IReadOnlyList<PlanComment> WholePlan { get; }

    public IReadOnlyList<PlanComment> OnRemovedGoals { get; }

    public int OpenCount => All.Count(c => c.Status == CommentStatus.Open);

    public IReadOnlyList<PlanComment> ForGoal(string goalId) => _byGoal[goalId].ToList();

    public bool MayComment => !ReadOnly && CommentRules.MayComment(_definition, _plan, _actor);

    public bool MayReply(PlanComment comment) => !ReadOnly && CommentRules.MayReply(_definition, _plan, _actor, comment);

    public bool MayMarkAnswered(PlanComment comment) => !ReadOnly && CommentRules.MayMarkAnswered(_definition, _plan, _actor, comment);

    public bool MayResolve(PlanComment comment) => !ReadOnly && CommentRules.MayResolve(_definition, _plan, _actor, comment);

    /// <summary>The name of the stage a comment was written in, as the plan's definition gives it.</summary>
    public LocalizedText? StageName(PlanComment comment) => _definition.FindStage(comment.Stage)?.Name;

    /// <summary>Which form was posted and refused, and with what text and error, so it shows again filled in.</summary>
    public PostedCommentForm? Posted { get; set; }

    public static string Anchor(Guid commentId) => $"kommentar-{commentId:N}";

    /// <summary>The key of the new-comment form of a goal, or of the plan as a whole (null goal).</summary>
    public static string NewFormKey(string? goalId) => goalId is null ? "ny-plan" : $"ny-{goalId}";

    public static string ReplyFormKey(Guid commentId) => $"svar-{commentId:N}";
}

public sealed record PostedCommentForm(string Key, string? Text, string Error);

/// <summary>What one list of comments (a goal's, the whole plan's, the removed goals') needs to render.</summary>
/// <param name="Goal">The goal the list is beside, for its new-comment form; null for the plan as a whole or removed goals.</param>
/// <param name="GoalLabel">How the list names its subject, e.g. "resultatmål 2".</param>
/// <param name="OfferNew">Whether to offer the new-comment form (the removed goals' list has none).</param>
public sealed record CommentListModel(CommentBoard Board, IReadOnlyList<PlanComment> Comments, string? ObjectiveId, ResultGoal? Goal, string GoalLabel, bool OfferNew);
