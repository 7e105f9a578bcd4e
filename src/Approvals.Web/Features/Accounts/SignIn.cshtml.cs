using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Accounts;

/// <summary>Cookie sign-in for the browser, with the same accounts, rules and limits as <c>POST /api/auth/login</c>.</summary>
[AllowAnonymous]
[SignInAttempts]
public sealed class SignInModel(PasswordSignIn signIn, IValidator<LoginRequest> validator, IStringLocalizer<UiText> t) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [TempData]
    public string? Status { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var request = new LoginRequest(Input.Email, Input.Password);
        var validation = await validator.ValidateAsync(request, HttpContext.RequestAborted);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            ModelState.AddFailures(nameof(Input), validation.Errors, t);
            return Page();
        }

        if (await signIn.SignInAsync(HttpContext, request.Email!, request.Password!, IdentityConstants.ApplicationScheme))
        {
            return LocalRedirect(SafeReturnUrl);
        }

        ModelState.AddModelError("", t["SignIn.Failed"]);
        return Page();
    }

    private string SafeReturnUrl => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
}

public sealed class SignInForm
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}
