using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Notifications;

/// <summary>The signed-in user's inbox (the same list as <c>GET /api/notifications</c>), with a mark-as-read form per entry.</summary>
public sealed class InboxModel(ApprovalsDbContext db, TimeProvider clock) : PageModel
{
    public NotificationList Inbox { get; private set; } = new(0, []);

    public async Task OnGetAsync(CancellationToken ct) =>
        Inbox = await NotificationInbox.ListAsync(db, User.Id(), NotificationEndpoints.DefaultTake, ct);

    public async Task<IActionResult> OnPostReadAsync(Guid notificationId, CancellationToken ct)
    {
        if (await NotificationInbox.MarkReadAsync(db, User.Id(), notificationId, clock, ct) is null)
        {
            return NotFound();
        }

        // Post/redirect/get: a reload does not post again, and the header's count is fresh.
        return RedirectToPage();
    }
}
