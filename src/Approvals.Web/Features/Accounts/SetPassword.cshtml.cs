using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Accounts;

/// <summary>Where an invitation or new link leads: the person chooses a password, once. The page of <c>POST /api/account/set-password</c>.</summary>
[AllowAnonymous]
public sealed class SetPasswordModel(OwnAccount account, IValidator<SetPasswordRequest> validator, AuthenticationSettings authentication, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public NewPasswordForm Input { get; set; } = new();

    /// <summary>False when the link is used, replaced, expired or altered: the page says so instead of showing the form.</summary>
    public bool LinkOpen { get; private set; }

    public bool LocalPasswords => authentication.LocalPasswords;

    public async Task OnGetAsync(CancellationToken ct) => LinkOpen = LocalPasswords && await account.LinkIsOpenAsync(Token, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        LinkOpen = LocalPasswords;
        var request = new SetPasswordRequest(Token, Input.Password);
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            LinkOpen = !validation.Errors.Any(e => e.PropertyName == nameof(SetPasswordRequest.Token));
            ModelState.AddFailures(nameof(Input), validation.Errors.Where(e => e.PropertyName != nameof(SetPasswordRequest.Token)), t);
            return Page();
        }

        if (Input.Password != Input.Repeat)
        {
            ModelState.AddModelError("Input.Repeat", t["Account.RepeatDiffers"]);
            return Page();
        }

        var outcome = await account.SetPasswordAsync(Token, Input.Password!, ct);
        switch (outcome.Status)
        {
            case PasswordStatus.Done:
                TempData[nameof(SignInModel.Status)] = t["Account.PasswordSet"].Value;
                return RedirectToPage("/Accounts/SignIn");
            case PasswordStatus.WeakPassword:
                ModelState.AddModelError("Input.Password", t["Account.WeakPassword"] + " " + string.Join(" ", outcome.Errors!));
                return Page();
            default:
                LinkOpen = false;
                return Page();
        }
    }
}

public sealed class NewPasswordForm
{
    public string? Password { get; set; }

    public string? Repeat { get; set; }
}
