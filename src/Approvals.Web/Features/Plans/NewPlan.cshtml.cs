using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Plans;

/// <summary>A secretary starts a draft for their own committee, then fills it in on the edit page.</summary>
[Authorize(Policy = Policies.WritePlans)]
public sealed class NewPlanModel(PlanDrafts drafts, IStringLocalizer<UiText> t) : PageModel
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
        var outcome = await drafts.StartAsync(User, new PlanInput(Committee.Code, Input.Title, []), ct);
        if (outcome.Plan is not { } plan)
        {
            if (outcome.Forbidden is not null)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            ModelState.Clear();
            ModelState.AddFailures(nameof(Input), outcome.Failures, t);
            return Page();
        }

        TempData[nameof(EditPlanModel.Status)] = t["New.Created"].Value;
        return RedirectToPage("/Plans/EditPlan", new { id = plan.Id });
    }
}

public sealed class NewPlanForm
{
    public string? Title { get; set; }
}
