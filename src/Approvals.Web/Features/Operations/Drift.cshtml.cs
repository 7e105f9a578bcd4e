using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// "Drift": what did not go through, as <c>GET /api/operations</c> tells it, with a button to retry each failed event or
/// e-mail now (plain form posts, journaled).
/// </summary>
[Authorize(Policy = Policies.OperateDelivery)]
public sealed class DriftModel(DeliveryOverview overview, IStringLocalizer<UiText> t) : PageModel
{
    public OperationsResponse Overview { get; private set; } = null!;

    [TempData]
    public string? Status { get; set; }

    public string? Refusal { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Overview = await overview.ReadAsync(ct);

    public async Task<IActionResult> OnPostRetryEventAsync(Guid messageId, CancellationToken ct) =>
        await Done(await overview.RetryEventAsync(messageId, User, ct), "Operations.EventRetried", ct);

    public async Task<IActionResult> OnPostRetryEmailAsync(Guid notificationId, CancellationToken ct) =>
        await Done(await overview.RetryEmailAsync(notificationId, User, ct), "Operations.EmailRetried", ct);

    private async Task<IActionResult> Done((RetryStatus Status, string? Detail) outcome, string doneKey, CancellationToken ct)
    {
        if (outcome.Status == RetryStatus.Retried)
        {
            Status = t[doneKey].Value;
            return RedirectToPage();
        }

        // Refused: the page as it is now, with the reason, and nothing changed.
        Refusal = t[outcome.Status switch
        {
            RetryStatus.NotFound => "Operations.RetryNotFound",
            RetryStatus.MailOff => "Operations.RetryMailOff",
            _ => "Operations.RetryNotFailed",
        }].Value;
        Response.StatusCode = outcome.Status == RetryStatus.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
        Overview = await overview.ReadAsync(ct);
        return Page();
    }
}
