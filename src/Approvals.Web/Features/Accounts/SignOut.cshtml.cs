using System.Security.Claims;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// Signs out on POST only (the header's button), so a link or an image cannot sign anyone out. The session ends
/// (the cookie is refused even if a copy was kept); a session begun through single sign-on is also ended at the
/// organisation's provider when it offers that, which then sends the browser back to the sign-in page.
/// </summary>
public sealed class SignOutModel(AppSignInManager signIn, AuthenticationSettings authentication, IStringLocalizer<UiText> t) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var viaSingleSignOn = User.FindFirstValue(AccountClaims.Method) == SingleSignOn.Method && authentication.Oidc.Enabled;
        await signIn.SignOutAsync();
        TempData[nameof(SignInModel.Status)] = t["SignOut.Done"].Value;
        if (viaSingleSignOn && await SingleSignOnExtensions.ProviderEndsSessionsAsync(HttpContext))
        {
            return SignOut(new AuthenticationProperties { RedirectUri = Url.Page("/Accounts/SignIn") }, SingleSignOn.Scheme);
        }

        return RedirectToPage("/Accounts/SignIn");
    }
}
