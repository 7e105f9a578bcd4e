using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Changes;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// The plan, its stage and history, and the workflow actions the user may take on it now. An action is taken
/// through <see cref="PlanTransitions"/>, the same code path as <c>POST /api/plans/{id}/transitions</c>, on the
/// version of the plan the page showed: when someone else acted first, nothing is changed and the page says so.
/// Review comments are shown beside their goals, with forms to comment, reply, mark answered and resolve, through
/// <see cref="PlanComments"/> (the API's code path). Reviewers see what changed since the revision they last acted on.
/// </summary>
public sealed class ViewPlanModel(
    ApprovalsDbContext db,
    WorkflowRuntime workflows,
    PlanTransitions transitions,
    Delegation.Delegations delegations,
    PlanComments comments,
    IValidator<TransitionRequest> validator,
    IValidator<ReplyRequest> textValidator,
    IStringLocalizer<UiText> t)
    : PageModel
{
    public Plan Plan { get; private set; } = null!;

    public WorkflowDefinition Workflow { get; private set; } = null!;

    public PlanFlagIndex Flags { get; private set; } = null!;

    public IReadOnlyList<JournalEntry> History { get; private set; } = [];

    public IReadOnlyList<ActionOption> Actions { get; private set; } = [];

    public CommentBoard Comments { get; private set; } = null!;

    /// <summary>What changed since revision <see cref="ChangesFrom"/>, when the page compares; null otherwise.</summary>
    public PlanChanges? Changes { get; private set; }

    public int? ChangesFrom { get; private set; }

    /// <summary>The submitted revisions the page can compare the plan with (not the one it is now).</summary>
    public IReadOnlyList<int> ComparableRevisions { get; private set; } = [];

    public bool CanEdit => User.CanWrite(Plan.CommitteeCode) && workflows.IsEditable(Plan);

    /// <summary>Set after a successful action, shown once on the page it redirects to.</summary>
    [TempData]
    public string? Status { get; set; }

    /// <summary>Why the posted action was not taken, when the reason concerns the whole plan.</summary>
    public string? Problem { get; private set; }

    /// <summary>The posted action and comment, kept so a refused comment can be corrected instead of retyped.</summary>
    public string? PostedAction { get; private set; }

    public string? PostedComment { get; private set; }

    public string? CommentError { get; private set; }

    /// <param name="fra">The revision to show changes since; by default the one the user last acted on, if the plan has changed since.</param>
    public async Task<IActionResult> OnGetAsync(Guid id, int? fra, CancellationToken ct) =>
        await Load(id, ct, fra) ?? Page();

    public Task<IActionResult> OnPostCommentAsync(Guid id, string? objective, string? goal, string? indicator, string? text, CancellationToken ct) =>
        Comment(id, CommentBoard.NewFormKey(goal), text,
            () => comments.WriteAsync(id, User, goal is null ? CommentAnchor.WholePlan : new CommentAnchor(objective, goal, string.IsNullOrEmpty(indicator) ? null : indicator), text!, ct),
            "Comments.Written", ct);

    public Task<IActionResult> OnPostReplyAsync(Guid id, Guid commentId, string? text, CancellationToken ct) =>
        Comment(id, CommentBoard.ReplyFormKey(commentId), text, () => comments.ReplyAsync(id, commentId, User, text!, ct), "Comments.Replied", ct);

    public Task<IActionResult> OnPostAnsweredAsync(Guid id, Guid commentId, CancellationToken ct) =>
        Comment(id, null, null, () => comments.MarkAnsweredAsync(id, commentId, User, ct), "Comments.AnsweredDone", ct);

    public Task<IActionResult> OnPostResolveAsync(Guid id, Guid commentId, CancellationToken ct) =>
        Comment(id, null, null, () => comments.ResolveAsync(id, commentId, User, ct), "Comments.ResolvedDone", ct);

    public async Task<IActionResult> OnPostTakeAsync(Guid id, string? actionId, string? comment, Guid token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(actionId))
        {
            return BadRequest();
        }

        // The API's request rules (a comment's length) hold for the page too.
        if ((await validator.ValidateAsync(new TransitionRequest(actionId, comment), ct)).Errors is [var failure, ..])
        {
            return await Redisplay(id, actionId, comment, failure.ErrorCode == "MaximumLengthValidator"
                ? t["Validation.MaxLength", TransitionRequestValidator.MaxCommentLength, comment?.Length ?? 0]
                : t["Validation.Required"], ct);
        }

        var outcome = await transitions.TakeAsync(id, User, actionId, comment, ETags.Of(token), ct);
        switch (outcome.Status)
        {
            case TransitionStatus.Taken:
                var definition = workflows.DefinitionOf(outcome.Plan!);
                var result = outcome.Result!;
                Status = t["Actions.Done", Named(definition.FindAction(result.Journal.Action)?.Name, result.Journal.Action), definition.Stage(result.ToStage).Name.InUiLanguage()];
                return RedirectToPage(new { id });
            case TransitionStatus.NotFound:
                return NotFound();
            case TransitionStatus.Unreadable:
                return StatusCode(StatusCodes.Status403Forbidden);
        }

        // Not taken: show the plan as it is now, with what went wrong.
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        PostedAction = actionId;
        PostedComment = comment;
        var reason = outcome.Refusal?.Reason;
        switch (reason)
        {
            case RefusalReason.CommentRequired:
                CommentError = t["Actions.CommentRequired"];
                return Page();
            case RefusalReason.RoleNotAllowed or RefusalReason.OtherCommittee:
                return StatusCode(StatusCodes.Status403Forbidden);
        }

        (Problem, Response.StatusCode) = (outcome.Status, reason) switch
        {
            (TransitionStatus.Stale or TransitionStatus.LostRace or TransitionStatus.VersionMissing, _) => (t["Actions.Raced"].Value, StatusCodes.Status409Conflict),
            (_, RefusalReason.GuardsUnmet) => (t["Actions.Blocked"].Value, StatusCodes.Status422UnprocessableEntity),
            (_, RefusalReason.FourEyes) => (FourEyesProblem(outcome.Refusal!), StatusCodes.Status403Forbidden),
            _ => (t["Actions.NotPossible"].Value, StatusCodes.Status409Conflict),
        };
        return Page();
    }

    /// <summary>
    /// A comment form's post: its text checked by the API's rules, then the change through <see cref="PlanComments"/>.
    /// Done: back to the comment on the page. Refused: the page again, with the reason beside the form or at the top.
    /// </summary>
    private async Task<IActionResult> Comment(
        Guid id, string? formKey, string? text, Func<Task<CommentOutcome>> change, string doneText, CancellationToken ct)
    {
        if (formKey is not null && (await textValidator.ValidateAsync(new ReplyRequest(text ?? string.Empty), ct)).Errors is [var failure, ..])
        {
            var error = failure.ErrorCode == "MaximumLengthValidator"
                ? t["Validation.MaxLength", CommentRules.MaxTextLength, text?.Length ?? 0].Value
                : t["Comments.TextRequired"].Value;
            return await RedisplayComment(id, new PostedCommentForm(formKey, text, error), StatusCodes.Status400BadRequest, ct);
        }

        var outcome = await change();
        switch (outcome.Status)
        {
            case CommentStatusCode.Done:
                Status = t[doneText];
                return RedirectToPage("/Plans/ViewPlan", null, new { id }, CommentBoard.Anchor(outcome.Comment!.Id));
            case CommentStatusCode.NotFound:
                return NotFound();
            case CommentStatusCode.Unreadable:
                return StatusCode(StatusCodes.Status403Forbidden);
            case CommentStatusCode.Conflict:
                return await RedisplayComment(id, null, StatusCodes.Status409Conflict, ct, t["Comments.Conflict"]);
        }

        var (message, status) = outcome.Refusal!.Reason switch
        {
            CommentRefusalReason.NotAllowed => (null, StatusCodes.Status403Forbidden),
            CommentRefusalReason.UnknownAnchor => (t["Comments.Refused.Anchor"].Value, StatusCodes.Status400BadRequest),
            CommentRefusalReason.Resolved => (t["Comments.Refused.Resolved"].Value, StatusCodes.Status409Conflict),
            CommentRefusalReason.LimitReached => (t["Comments.Refused.Limit"].Value, StatusCodes.Status409Conflict),
            _ => (t["Comments.Refused.WrongStage"].Value, StatusCodes.Status409Conflict),
        };
        if (message is null)
        {
            return StatusCode(status);
        }

        return await RedisplayComment(id, formKey is null ? null : new PostedCommentForm(formKey, text, message), status, ct, formKey is null ? message : null);
    }

    private async Task<IActionResult> RedisplayComment(Guid id, PostedCommentForm? posted, int status, CancellationToken ct, string? problem = null)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        Comments.Posted = posted;
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<IActionResult> Redisplay(Guid id, string actionId, string? comment, string commentError, CancellationToken ct)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        (PostedAction, PostedComment, CommentError) = (actionId, comment, commentError);
        return Page();
    }

    private async Task<IActionResult?> Load(Guid id, CancellationToken ct, int? changesFrom = null)
    {
        var (plan, refusal) = await this.Read(db, id, ct);
        if (plan is null)
        {
            return refusal;
        }

        Plan = plan;
        Workflow = workflows.DefinitionOf(plan);
        Flags = PlanFlagIndex.Of(plan.Content);
        History = await db.Journal.AsNoTracking().Where(j => j.PlanId == id).OrderBy(j => j.Id).ToListAsync(ct);
        var actor = await delegations.ActorAsync(User, ct);
        var all = await PlanComments.ListAsync(db, id, null, ct);
        Comments = new CommentBoard(Workflow, plan, actor, all, plan.Content);
        var open = all.Where(c => c.Status == CommentStatus.Open).Select(c => c.ToOpen()).ToList();
        Actions = await workflows.ActionsFor(new GuardContext(plan, open), actor);
        await LoadChanges(plan, actor, changesFrom, ct);
        return null;
    }

    /// <summary>The rule, then what in particular stands in the user's way ("Du har selv indsendt udgave 2.").</summary>
    private string FourEyesProblem(TransitionRefusedException refusal) => string.Join(" ",
        refusal.UnmetGuards.SelectMany(g => g.Findings.Select(f => UiExtensions.IsEnglish ? f.Message : f.MessageDa))
            .Prepend(t["Guard.four-eyes"].Value));

    // A reviewer returning to a plan sees what changed since the revision they last approved or returned; anyone may
    // pick another submitted revision to compare with.
    private async Task LoadChanges(Plan plan, WorkflowActor actor, int? requested, CancellationToken ct)
    {
        ComparableRevisions = (await PlanVersions.SubmittedAsync(db, plan.Id, ct)).Where(n => n != plan.Revision).ToList();
        var lastActed = History.LastOrDefault(j => j.ActorId == actor.Id && j.FromStage != Workflow.InitialStage)?.Revision;
        var from = requested ?? (lastActed < plan.Revision ? lastActed : null);
        if (from is not { } number || !ComparableRevisions.Contains(number))
        {
            return;
        }

        var revision = await PlanVersions.RevisionAsync(db, plan.Id, number, ct);
        ChangesFrom = number;
        Changes = PlanComparison.Compare(revision!.Content, plan.Content);
    }

    private static string Named(LocalizedText? name, string fallback) => name?.InUiLanguage() ?? fallback;
}

/// <summary>What the action area of the plan page needs.</summary>
public sealed record PlanActionsModel(
    Plan Plan,
    WorkflowDefinition Workflow,
    IReadOnlyList<ActionOption> Actions,
    PlanFlagIndex Flags,
    bool CanEdit,
    DateTime StageEnteredUtc,
    string? PostedAction,
    string? PostedComment,
    string? CommentError);

public sealed record PlanHistoryModel(IReadOnlyList<JournalEntry> Entries, WorkflowDefinition Workflow);
