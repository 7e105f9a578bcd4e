using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// Single sign-on: the sign-in page's button posts here and is sent on to the organisation's provider; the provider
/// sends the person back through /signin-oidc to <c>?handler=Done</c>, where the account is found and signed in.
/// </summary>
[AllowAnonymous]
public sealed class SingleSignOnSignInModel(AuthenticationSettings authentication) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => RedirectToPage("/Accounts/SignIn", new { ReturnUrl });

    public IActionResult OnPost()
    {
        if (!authentication.Oidc.Enabled)
        {
            return NotFound();
        }

        var done = Url.Page("/Accounts/SingleSignOnSignIn", "Done", new { ReturnUrl = SafeReturnUrl });
        return Challenge(new AuthenticationProperties { RedirectUri = done }, SingleSignOn.Scheme);
    }

    public async Task<IActionResult> OnGetDoneAsync(CancellationToken ct)
    {
        if (!authentication.Oidc.Enabled)
        {
            return NotFound();
        }

        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded)
        {
            return RedirectToPage("/Accounts/NoAccess", new { aarsag = NoAccessModel.ReasonFor(SingleSignOnStatus.Failed) });
        }

        var status = await HttpContext.RequestServices.GetRequiredService<SingleSignOn>().SignInAsync(external.Principal, external.Properties, ct);
        return status == SingleSignOnStatus.SignedIn
            ? LocalRedirect(SafeReturnUrl)
            : RedirectToPage("/Accounts/NoAccess", new { aarsag = NoAccessModel.ReasonFor(status) });
    }

    private string SafeReturnUrl => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
}
