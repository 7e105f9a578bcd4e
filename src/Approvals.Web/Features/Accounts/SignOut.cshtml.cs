using Approvals.Persistence;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Accounts;

/// <summary>Signs out on POST only (the header's button), so a link or an image cannot sign anyone out.</summary>
public sealed class SignOutModel(SignInManager<AppUser> signIn, IStringLocalizer<UiText> t) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        TempData[nameof(SignInModel.Status)] = t["SignOut.Done"].Value;
        return RedirectToPage("/Accounts/SignIn");
    }
}
