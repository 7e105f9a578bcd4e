using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
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
/// the API takes: one form field per plan field (<see cref="PlanLimits.MaxFields"/>, with room for the page's own
/// fields and a little more, so a plan just over the limit gets the validator's message), and a body large enough
/// for the largest plan however its characters are percent-encoded (<see cref="RequestLimits.MaxFormBodyBytes"/>).
/// </summary>
[RequestFormLimits(ValueCountLimit = PlanLimits.MaxFields + 100)]
[RequestSizeLimit(RequestLimits.MaxFormBodyBytes)]
public sealed class EditPlanModel(
    ApprovalsDbContext db, WorkflowRuntime workflows, WriteGate writes, IValidator<PlanInput> validator, TimeProvider clock, IStringLocalizer<UiText> t)
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
            return Redisplay(EditState.Invalid, input);
        }

        if (Token != Plan.ConcurrencyToken)
        {
            return Redisplay(EditState.Stale, input);
        }

        // The token the user started from is the one the UPDATE must still find, so a save that races
        // another one fails here instead of overwriting it.
        db.Entry(Plan).Property(p => p.ConcurrencyToken).OriginalValue = Token;
        try
        {
            Plan.Edit(input.Title!, input.ToContent(), workflows.IsEditable(Plan), clock.GetUtcNow().UtcDateTime);
            using (await writes.EnterAsync(ct))
            {
                await db.SaveChangesAsync(ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return Redisplay(EditState.Stale, input);
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
        return Redisplay(EditState.Unsaved, Input.ToInput(Plan.CommitteeCode));
    }

    private IActionResult Redisplay(EditState state, PlanInput input)
    {
        State = state;
        Flags = PlanFlagIndex.Of(input.ToContent());
        if (state == EditState.Stale)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return Page();
    }

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
