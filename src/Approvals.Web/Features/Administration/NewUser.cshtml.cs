using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Administration;

/// <summary>An administrator creates an account; the person then chooses a password through the invitation link.</summary>
[Authorize(Policy = Policies.AdministerAccounts)]
public sealed class NewUserModel(AccountAdministration accounts, IValidator<NewUserInput> validator, IStringLocalizer<UiText> t) : PageModel
{
    [BindProperty]
    public UserForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = Input.ToNew();
        var validation = await validator.ValidateAsync(input, ct);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            ModelState.AddUserFailures(validation.Errors, t);
            return Page();
        }

        var outcome = await accounts.CreateAsync(input, User, ct);
        if (outcome.Status != AccountStatus.Done)
        {
            ModelState.AddModelError("Input.Email", t["Admin.EmailTaken"]);
            return Page();
        }

        EditUserModel.ShowInvitation(TempData, outcome);
        TempData[nameof(EditUserModel.Status)] = t["Admin.Created"].Value;
        return RedirectToPage("/Administration/EditUser", new { id = outcome.User!.Id });
    }
}
