using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
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
/// </summary>
public sealed class ViewPlanModel(
    ApprovalsDbContext db,
    WorkflowRuntime workflows,
    PlanTransitions transitions,
    IValidator<TransitionRequest> validator,
    IStringLocalizer<UiText> t)
    : PageModel
{
    public Plan Plan { get; private set; } = null!;

    public WorkflowDefinition Workflow { get; private set; } = null!;

    public PlanFlagIndex Flags { get; private set; } = null!;

    public IReadOnlyList<JournalEntry> History { get; private set; } = [];

    public IReadOnlyList<ActionOption> Actions { get; private set; } = [];

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

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await Load(id, ct) ?? Page();

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

    private async Task<IActionResult> Redisplay(Guid id, string actionId, string? comment, string commentError, CancellationToken ct)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        (PostedAction, PostedComment, CommentError) = (actionId, comment, commentError);
        return Page();
    }

    private async Task<IActionResult?> Load(Guid id, CancellationToken ct)
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
        Actions = await workflows.ActionsFor(plan, User.ToActor());
        return null;
    }

    /// <summary>The rule, then what in particular stands in the user's way ("Du har selv indsendt udgave 2.").</summary>
    private string FourEyesProblem(TransitionRefusedException refusal) => string.Join(" ",
        refusal.UnmetGuards.SelectMany(g => g.Findings.Select(f => UiExtensions.IsEnglish ? f.Message : f.MessageDa))
            .Prepend(t["Guard.four-eyes"].Value));

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
