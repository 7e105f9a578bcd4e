using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Ui;

/// <summary>
/// The friendly page for a page's error status (404, 403, 400 ...), reached by re-execution from
/// <see cref="UiExtensions.UseWebUi"/>. A re-executed POST carries the failed request's form, so the
/// antiforgery check is not repeated here.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    /// <summary>For a 500: the trace id the failure was logged with (<see cref="ExceptionLogging"/>), for the user to quote.</summary>
    public string? TraceId { get; private set; }

    public void OnGet(int code) => Show(code);

    public void OnPost(int code) => Show(code);

    /// <summary>The resource key part for a status: its own texts for the common ones, a general text otherwise.</summary>
    public static string TextKey(int code) => code is 400 or 403 or 404 or 409 or 429 or 500 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Other";

    private void Show(int code)
    {
        Code = code is >= 400 and < 600 ? code : 404;
        Response.StatusCode = Code;
        TraceId = Code == StatusCodes.Status500InternalServerError ? ExceptionLogging.TraceIdOf(HttpContext) : null;
    }
}
