using Approvals.Web.Features.Delegation;
using Approvals.Persistence;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// The signed-in person's own account: who they are here, and their password. Each section is a partial with
/// its own form handler (<c>?handler=Password</c>), so a new section is a partial and a handler more.
/// </summary>
public sealed class AccountModel(
    UserManager<AppUser> users, OwnAccount account, IValidator<ChangePasswordRequest> validator, AuthenticationSettings authentication,
    Delegations delegations, ApprovalsDbContext db, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty]
    public ChangePasswordForm Password { get; set; } = new();

    [BindProperty]
    public DelegationForm Delegation { get; set; } = new();

    /// <summary>The person's delegations while away, and whether they may give one (reviewers).</summary>
    public DelegationSection DelegationState { get; private set; } = null!;

    [TempData]
    public string? Status { get; set; }

    public AppUser Me { get; private set; } = null!;

    public IReadOnlyList<string> Roles { get; private set; } = [];

    /// <summary>Whether this person can change a password here: password sign-in is on and the account has one.</summary>
    public bool CanChangePassword => authentication.LocalPasswords && Me.PasswordHash is not null;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        var request = new ChangePasswordRequest(Password.Current ?? string.Empty, Password.New.Password ?? string.Empty);
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            foreach (var failure in validation.Errors)
            {
                ModelState.AddModelError(failure.PropertyName == nameof(ChangePasswordRequest.CurrentPassword) ? "Password.Current" : "Password.New.Password",
                    failure.ErrorCode == "NotEmptyValidator" ? t["Validation.Required"] : failure.ErrorMessage);
            }

            return Page();
        }

        if (Password.New.Password != Password.New.Repeat)
        {
            ModelState.AddModelError("Password.New.Repeat", t["Account.RepeatDiffers"]);
            return Page();
        }

        var outcome = await account.ChangePasswordAsync(User, request.CurrentPassword!, request.NewPassword!, ct);
        switch (outcome.Status)
        {
            case PasswordStatus.Done:
                Status = t["Account.PasswordChanged"].Value;
                return RedirectToPage();
            case PasswordStatus.WrongPassword:
                ModelState.AddModelError("Password.Current", t["Account.WrongPassword"]);
                return Page();
            case PasswordStatus.WeakPassword:
                ModelState.AddModelError("Password.New.Password", t["Account.WeakPassword"] + " " + string.Join(" ", outcome.Errors!));
                return Page();
            default:
                ModelState.AddModelError("", outcome.Status == PasswordStatus.NoLocalPasswords ? t["Account.NoLocalPasswords"] : t["Admin.Conflict"]);
                return Page();
        }
    }

    public async Task<IActionResult> OnPostDelegateAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Challenge();
        }

        if (!await Delegation.SubmitAsync(this, delegations, db, Me.Id, t, ct))
        {
            return await ReloadAsync(ct);
        }

        Status = t["Delegation.GivenStatus"].Value;
        return RedirectToPage(null, null, "delegation");
    }

    public async Task<IActionResult> OnPostEndDelegationAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Challenge();
        }

        var outcome = await delegations.EndAsync(Me.Id, User, ct);
        if (outcome.Status != DelegationStatus.Done)
        {
            ModelState.AddModelError("", outcome.Status == DelegationStatus.NotFound ? t["Delegation.NothingToEnd"] : t["Admin.Conflict"]);
            return await ReloadAsync(ct);
        }

        Status = t["Delegation.EndedStatus"].Value;
        return RedirectToPage(null, null, "delegation");
    }

    private async Task<IActionResult> ReloadAsync(CancellationToken ct)
    {
        DelegationState = new DelegationSection(await delegations.OverviewAsync(Me.Id, ct), Roles.Any(Approvals.Core.Accounts.Roles.Reviewers.Contains), Own: true);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct = default)
    {
        if (await users.GetUserAsync(User) is not { } me)
        {
            return false;
        }

        Me = me;
        Roles = [.. (await users.GetRolesAsync(me)).OrderBy(r => Approvals.Core.Accounts.Roles.All.ToList().IndexOf(r))];
        DelegationState = new DelegationSection(await delegations.OverviewAsync(me.Id, ct), Roles.Any(Approvals.Core.Accounts.Roles.Reviewers.Contains), Own: true);
        return true;
    }
}

public sealed class ChangePasswordForm
{
    public string? Current { get; set; }

    public NewPasswordForm New { get; set; } = new();
}
