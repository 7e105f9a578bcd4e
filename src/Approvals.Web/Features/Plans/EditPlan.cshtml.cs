using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// Edits a draft: only its own committee's secretary, only in draft. The form carries the plan's
/// concurrency token; a save made from an older token is refused and overwrites nothing. The form takes every plan
/// the API takes: one form field per plan field (<see cref="PlanLimits.MaxFields"/>) and at most one hidden id per
/// field (each objective, goal, indicator and activity carries its id), with room for the page's own fields and a
/// little more, so a plan just over the limit gets the validator's message; and a body large enough for the largest
/// plan however its characters are percent-encoded (<see cref="RequestLimits.MaxFormBodyBytes"/>).
/// </summary>
[RequestFormLimits(ValueCountLimit = (2 * PlanLimits.MaxFields) + 100)]
[RequestSizeLimit(RequestLimits.MaxFormBodyBytes)]
public sealed class EditPlanModel(
    ApprovalsDbContext db, WorkflowRuntime workflows, IValidator<PlanInput> validator, TimeProvider clock, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty]
    public PlanForm Input { get; set; } = new();

    [BindProperty]
    public Guid Token { get; set; }

    [TempData]
    public string? Status { get; set; }

    public Plan Plan { get; private set; } = null!;

    public PlanFlagIndex Flags { get; private set; } = null!;

    public EditState State { get; private set; } = EditState.Clean;

    /// <summary>The plan's review comments, placed beside the goals of the form as it stands (read-only here).</summary>
    public CommentBoard Comments { get; private set; } = null!;

    /// <summary>The name of the stage the plan is in, as its pinned definition gives it.</summary>
    public string StageName => workflows.StageOf(Plan).Name.InUiLanguage();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        Input = PlanForm.From(Plan);
        Token = Plan.ConcurrencyToken;
        Flags = PlanFlagIndex.Of(Plan.Content);
        await LoadComments(Plan.Content, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        var input = Input.ToInput(Plan.CommitteeCode);
        var validation = await validator.ValidateAsync(input, ct);
        ModelState.Clear();
        if (!validation.IsValid)
        {
            ModelState.AddFailures(nameof(Input), validation.Errors, t);
            return await Redisplay(EditState.Invalid, input, ct);
        }

        if (Token != Plan.ConcurrencyToken)
        {
            return await Redisplay(EditState.Stale, input, ct);
        }

        // The form carries the ids the page rendered; one the plan does not have did not come from this page.
        var content = input.ToContent();
        if (ContentIds.Unknown(Plan.Content, content).Count > 0)
        {
            return BadRequest();
        }

        // The token the user started from is the one the UPDATE must still find, so a save that races
        // another one fails here instead of overwriting it.
        db.Entry(Plan).Property(p => p.ConcurrencyToken).OriginalValue = Token;
        try
        {
            Plan.Edit(User.Id(), input.Title!, content, workflows.IsEditable(Plan), clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await Redisplay(EditState.Stale, input, ct);
        }

        Status = t["Edit.Saved"];
        return RedirectToPage(new { id });
    }

    public Task<IActionResult> OnPostAddObjectiveAsync(Guid id, CancellationToken ct) =>
        Change(id, f => f.AddObjective(), ct);

    public Task<IActionResult> OnPostRemoveObjectiveAsync(Guid id, int o, CancellationToken ct) =>
        Change(id, f => f.RemoveObjective(o), ct);

    public Task<IActionResult> OnPostMoveObjectiveAsync(Guid id, int o, int by, CancellationToken ct) =>
        Change(id, f => f.MoveObjective(o, by), ct);

    public Task<IActionResult> OnPostAddGoalAsync(Guid id, int o, CancellationToken ct) =>
        Change(id, f => f.AddGoal(o), ct);

    public Task<IActionResult> OnPostRemoveGoalAsync(Guid id, int o, int g, CancellationToken ct) =>
        Change(id, f => f.RemoveGoal(o, g), ct);

    public Task<IActionResult> OnPostMoveGoalAsync(Guid id, int o, int g, int by, CancellationToken ct) =>
        Change(id, f => f.MoveGoal(o, g, by), ct);

    public Task<IActionResult> OnPostAddItemAsync(Guid id, int o, int g, string? list, CancellationToken ct) =>
        Change(id, f => f.AddItem(o, g, list), ct);

    public Task<IActionResult> OnPostRemoveItemAsync(Guid id, int o, int g, string? list, int i, CancellationToken ct) =>
        Change(id, f => f.RemoveItem(o, g, list, i), ct);

    public Task<IActionResult> OnPostMoveItemAsync(Guid id, int o, int g, string? list, int i, int by, CancellationToken ct) =>
        Change(id, f => f.MoveItem(o, g, list, i, by), ct);

    /// <summary>A structural edit: applied to the posted form and shown again, with its flags, unsaved.</summary>
    private async Task<IActionResult> Change(Guid id, Func<PlanForm, bool> change, CancellationToken ct)
    {
        if (await Load(id, ct) is { } refusal)
        {
            return refusal;
        }

        if (!change(Input))
        {
            return BadRequest();
        }

        // The form is rendered from the changed model, not from the posted values kept by model binding.
        ModelState.Clear();
        return await Redisplay(EditState.Unsaved, Input.ToInput(Plan.CommitteeCode), ct);
    }

    private async Task<IActionResult> Redisplay(EditState state, PlanInput input, CancellationToken ct)
    {
        State = state;
        var content = input.ToContent();
        Flags = PlanFlagIndex.Of(content);
        await LoadComments(content, ct);
        if (state == EditState.Stale)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return Page();
    }

    // The comments follow the goals' ids in the form, so a goal moved before saving keeps its comments beside it.
    private async Task LoadComments(PlanContent shown, CancellationToken ct) =>
        Comments = new CommentBoard(workflows.DefinitionOf(Plan), Plan, User.ToActor(), await PlanComments.ListAsync(db, Plan.Id, null, ct), shown, readOnly: true);

    /// <summary>The plan, or why this user may not edit it now: 404, 403, or a 409 page when it is not a draft.</summary>
    private async Task<IActionResult?> Load(Guid id, CancellationToken ct)
    {
        var (plan, refusal) = await this.Write(db, id, ct);
        if (plan is null)
        {
            return refusal;
        }

        Plan = plan;
        if (!workflows.IsEditable(plan))
        {
            State = EditState.NotEditable;
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        return null;
    }

    /// <summary>The errors model binding or the validator put on a field, by its form name.</summary>
    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];
}

public enum EditState
{
    Clean,
    Unsaved,
    Invalid,
    Stale,
    NotEditable,
}
