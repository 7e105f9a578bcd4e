using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Shared;

/// <summary>The header's link to the inbox with the number of unread notifications, on every page.</summary>
public sealed class UnreadNotificationsViewComponent(ApprovalsDbContext db) : ViewComponent
{
    public const string InboxPath = "/notifikationer";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        var userId = UserClaimsPrincipal.Id();
        var unread = await db.Notifications.CountAsync(n => n.RecipientId == userId && n.ReadUtc == null, HttpContext.RequestAborted);
        return View(unread);
    }
}
