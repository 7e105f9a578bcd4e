using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Plans;

/// <summary>A secretary starts a draft for their own committee, then fills it in on the edit page.</summary>
[Authorize(Policy = Policies.WritePlans)]
public sealed class NewPlanModel(
    ApprovalsDbContext db, WorkflowRuntime workflows, IValidator<PlanInput> validator, TimeProvider clock, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty]
    public NewPlanForm Input { get; set; } = new();

    public Committee Committee => Committee.Find(User.CommitteeCode())
        ?? throw new InvalidOperationException("A secretary's account names no committee.");

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new PlanInput(Committee.Code, Input.Title, []);
        var validation = await validator.ValidateAsync(input, ct);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            ModelState.AddFailures(nameof(Input), validation.Errors, t);
            return Page();
        }

        var plan = workflows.StartPlan(Committee, input.Title!, User.Id(), input.ToContent(), clock.GetUtcNow().UtcDateTime);
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        TempData[nameof(EditPlanModel.Status)] = t["New.Created"].Value;
        return RedirectToPage("/Plans/EditPlan", new { id = plan.Id });
    }
}

public sealed class NewPlanForm
{
    public string? Title { get; set; }
}
