using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;

namespace Approvals.Core.Review;

public enum CommentRefusalReason
{
    /// <summary>The person's roles do not let them do this on this plan now (403).</summary>
    NotAllowed,

    /// <summary>The plan is not in a stage where this can be done: a draft takes no new comments, an adopted plan nothing (409).</summary>
    WrongStage,

    /// <summary>The comment is resolved: its thread is closed (409).</summary>
    Resolved,

    /// <summary>The anchor names no goal or indicator of the plan as it is under review (400).</summary>
    UnknownAnchor,

    /// <summary>The plan has as many comments or replies as it may have (409).</summary>
    LimitReached,
}

/// <summary>A comment action refused; nothing was changed.</summary>
public sealed class CommentRefusedException(CommentRefusalReason reason, string message, string? field = null)
    : InvalidOperationException(message)
{
    public CommentRefusalReason Reason { get; } = reason;

    /// <summary>The request field the refusal is about, for <see cref="CommentRefusalReason.UnknownAnchor"/>.</summary>
    public string? Field { get; } = field;
}

/// <summary>
/// Who may comment on a plan, reply, mark answered and resolve, and the limits. The rules:
/// <list type="bullet">
/// <item>Comment: the reviewers of the plan's current stage (the roles its workflow definition lets act there, a
/// committee-bound role only on its own committee's plans), while the plan is in a stage between its first and its
/// final one.</item>
/// <item>Reply: the committee's secretaries (their reply answers the comment) and the reviewers of the current stage
/// (their reply opens an answered comment again).</item>
/// <item>Mark answered: the committee's secretaries. Resolve: the comment's author, or a reviewer of the current stage.</item>
/// <item>An adopted plan's comments are closed; a resolved comment takes no replies.</item>
/// </list>
/// </summary>
public static class CommentRules
{
    public const int MaxTextLength = 4000;

    public const int MaxCommentsPerPlan = 500;

    public const int MaxRepliesPerPlan = 2000;

    /// <summary>
    /// Whether <paramref name="actor"/> reviews the plan in the stage it is in now: on their own authority, or on the
    /// authority a reviewer who is away handed them (<see cref="WorkflowActor.Capacities"/>), as for the stage's actions.
    /// </summary>
    public static bool IsReviewerOfCurrentStage(WorkflowDefinition definition, Plan plan, WorkflowActor actor) =>
        plan.Stage != definition.InitialStage && plan.Stage != definition.FinalStage &&
        actor.Capacities().Any(capacity => definition.ActingRoles(plan.Stage)
            .Any(role => capacity.Roles.Contains(role) && (!Roles.IsCommitteeBound(role) || capacity.Committee == plan.CommitteeCode)));

    public static bool IsCommitteeSecretary(Plan plan, WorkflowActor actor) =>
        actor.Roles.Contains(Roles.Secretary) && actor.Committee == plan.CommitteeCode;

    public static bool MayComment(WorkflowDefinition definition, Plan plan, WorkflowActor actor) =>
        IsReviewerOfCurrentStage(definition, plan, actor);

    public static bool MayReply(WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment) =>
        plan.Stage != definition.FinalStage && comment.Status != CommentStatus.Resolved &&
        (IsCommitteeSecretary(plan, actor) || IsReviewerOfCurrentStage(definition, plan, actor));

    public static bool MayMarkAnswered(WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment) =>
        plan.Stage != definition.FinalStage && comment.Status == CommentStatus.Open && IsCommitteeSecretary(plan, actor);

    public static bool MayResolve(WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment) =>
        plan.Stage != definition.FinalStage && comment.Status != CommentStatus.Resolved &&
        (comment.AuthorId == actor.Id || IsReviewerOfCurrentStage(definition, plan, actor));

    /// <summary>
    /// Writes a comment on the plan as it is now (the revision under review), or throws <see cref="CommentRefusedException"/>.
    /// <paramref name="commentsOnPlan"/> is how many the plan has already.
    /// </summary>
    public static PlanComment Write(
        WorkflowDefinition definition, Plan plan, WorkflowActor actor, CommentAnchor anchor, string text, int commentsOnPlan, DateTime nowUtc)
    {
        if (plan.Stage == definition.InitialStage || plan.Stage == definition.FinalStage)
        {
            throw new CommentRefusedException(CommentRefusalReason.WrongStage, plan.Stage == definition.FinalStage
                ? "The plan is adopted: its review is over and it takes no more comments."
                : $"The plan is in stage '{definition.Stage(plan.Stage).Name.En}', where it is being written. Reviewers comment while it is in their stage.");
        }

        if (!IsReviewerOfCurrentStage(definition, plan, actor))
        {
            throw new CommentRefusedException(CommentRefusalReason.NotAllowed,
                $"Only the reviewers of stage '{definition.Stage(plan.Stage).Name.En}' ({Reviewers(definition, plan)}) may comment on the plan now.");
        }

        if (commentsOnPlan >= MaxCommentsPerPlan)
        {
            throw new CommentRefusedException(CommentRefusalReason.LimitReached,
                $"The plan has {commentsOnPlan} comments, the most it may have ({MaxCommentsPerPlan}). Add to an existing comment's thread instead.");
        }

        var location = Check(anchor, plan.Content);
        return PlanComment.Write(plan, anchor, location, actor.Id, actor.Name, text, nowUtc);
    }

    public static CommentReply Reply(
        WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment, string text, int repliesOnPlan, DateTime nowUtc)
    {
        Closed(definition, plan);
        if (comment.Status == CommentStatus.Resolved)
        {
            throw new CommentRefusedException(CommentRefusalReason.Resolved,
                "The comment is resolved, so its thread is closed. Write a new comment if something is still to be done.");
        }

        var secretary = IsCommitteeSecretary(plan, actor);
        if (!secretary && !IsReviewerOfCurrentStage(definition, plan, actor))
        {
            throw new CommentRefusedException(CommentRefusalReason.NotAllowed,
                $"Only the secretaries of {plan.CommitteeCode} and the reviewers of the plan's current stage may reply to its comments.");
        }

        if (repliesOnPlan >= MaxRepliesPerPlan)
        {
            throw new CommentRefusedException(CommentRefusalReason.LimitReached,
                $"The plan's comments have {repliesOnPlan} replies, the most they may have ({MaxRepliesPerPlan}).");
        }

        return comment.AddReply(actor.Id, actor.Name, secretary, text, nowUtc);
    }

    /// <summary>Marks the comment answered; doing so again changes nothing.</summary>
    public static void MarkAnswered(WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment, DateTime nowUtc)
    {
        Closed(definition, plan);
        if (!IsCommitteeSecretary(plan, actor))
        {
            throw new CommentRefusedException(CommentRefusalReason.NotAllowed,
                $"Only the secretaries of {plan.CommitteeCode} mark comments answered; reviewers resolve them.");
        }

        switch (comment.Status)
        {
            case CommentStatus.Resolved:
                throw new CommentRefusedException(CommentRefusalReason.Resolved, "The comment is already resolved; there is nothing left to answer.");
            case CommentStatus.Open:
                comment.SetStatus(CommentStatus.Answered, actor.Id, nowUtc);
                break;
        }
    }

    /// <summary>Resolves the comment; doing so again changes nothing.</summary>
    public static void Resolve(WorkflowDefinition definition, Plan plan, WorkflowActor actor, PlanComment comment, DateTime nowUtc)
    {
        Closed(definition, plan);
        if (comment.AuthorId != actor.Id && !IsReviewerOfCurrentStage(definition, plan, actor))
        {
            throw new CommentRefusedException(CommentRefusalReason.NotAllowed,
                $"Only the comment's author ({comment.AuthorName}) and the reviewers of the plan's current stage may resolve it." +
                (IsCommitteeSecretary(plan, actor) ? " As the committee's secretary, mark it answered instead." : ""));
        }

        if (comment.Status != CommentStatus.Resolved)
        {
            comment.SetStatus(CommentStatus.Resolved, actor.Id, nowUtc);
        }
    }

    /// <summary>Where the anchor points in <paramref name="content"/>; throws when it names no goal or indicator there.</summary>
    public static AnchorLocation? Check(CommentAnchor anchor, PlanContent content)
    {
        if (anchor.IsWholePlan)
        {
            if (anchor.ObjectiveId is not null || anchor.IndicatorId is not null)
            {
                throw new CommentRefusedException(CommentRefusalReason.UnknownAnchor,
                    "Name the goal the comment is about (anchor.goal), or leave the anchor out for a comment on the whole plan.", "anchor.goal");
            }

            return null;
        }

        var location = anchor.Locate(content);
        if (location is null || content.Objectives[location.Objective - 1].Id != anchor.ObjectiveId)
        {
            throw location is null
                ? new CommentRefusedException(CommentRefusalReason.UnknownAnchor,
                    $"The plan has no goal with id '{anchor.GoalId}'. Use the goal ids GET /api/plans/{{id}} returns.", "anchor.goal")
                : new CommentRefusedException(CommentRefusalReason.UnknownAnchor,
                    $"Goal '{anchor.GoalId}' belongs to objective '{content.Objectives[location.Objective - 1].Id}', not '{anchor.ObjectiveId}'.", "anchor.objective");
        }

        if (anchor.IndicatorId is not null && location.Indicator is null)
        {
            throw new CommentRefusedException(CommentRefusalReason.UnknownAnchor,
                $"Goal '{anchor.GoalId}' has no indicator with id '{anchor.IndicatorId}'. Leave the indicator out to comment on the goal as a whole.", "anchor.indicator");
        }

        return location;
    }

    private static void Closed(WorkflowDefinition definition, Plan plan)
    {
        if (plan.Stage == definition.FinalStage)
        {
            throw new CommentRefusedException(CommentRefusalReason.WrongStage, "The plan is adopted: its review is over and its comments are closed.");
        }
    }

    private static string Reviewers(WorkflowDefinition definition, Plan plan) =>
        string.Join(" or ", definition.ActingRoles(plan.Stage).Select(r => Roles.IsCommitteeBound(r) ? $"{r} of {plan.CommitteeCode}" : r));
}
