using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Accounts;

/// <summary>Where single sign-on sends someone it let in at the organisation but who has no access here, saying why.</summary>
[AllowAnonymous]
public sealed class NoAccessModel : PageModel
{
    /// <summary><c>ingen-gruppe</c>, <c>ingen-konto</c>, <c>deaktiveret</c>, <c>ingen-email</c> or <c>fejl</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "aarsag")]
    public string? Reason { get; set; }

    public string ReasonKey => Reason switch
    {
        "ingen-konto" => "Account.NoAccess.NoAccount",
        "deaktiveret" => "Account.NoAccess.Deactivated",
        "ingen-email" => "Account.NoAccess.NoEmail",
        "fejl" => "Account.NoAccess.Failed",
        _ => "Account.NoAccess.NoGroup",
    };

    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;

    public static string ReasonFor(SingleSignOnStatus status) => status switch
    {
        SingleSignOnStatus.NoAccount => "ingen-konto",
        SingleSignOnStatus.Deactivated => "deaktiveret",
        SingleSignOnStatus.NoEmail => "ingen-email",
        SingleSignOnStatus.Failed => "fejl",
        _ => "ingen-gruppe",
    };
}
