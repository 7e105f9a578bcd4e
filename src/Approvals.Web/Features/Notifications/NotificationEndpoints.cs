using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Notifications;

public sealed record NotificationItem(
    Guid Id, Guid PlanId, string Kind, string Subject, string Body, string Link,
    DateTime OccurredUtc, DateTime CreatedUtc, DateTime? ReadUtc)
{
    public bool Read => ReadUtc is not null;

    internal static NotificationItem From(Notification n) =>
        new(n.Id, n.PlanId, n.Kind, n.Subject, n.Body, n.Link, n.OccurredUtc, n.CreatedUtc, n.ReadUtc);
}

/// <summary>The signed-in user's inbox: unread first, then newest first.</summary>
public sealed record NotificationList(int UnreadCount, IReadOnlyList<NotificationItem> Items);

public static class NotificationEndpoints
{
    public const int DefaultTake = 50;
    public const int MaxTake = 200;

    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        // Every query is filtered by the signed-in user's id: no one reads or marks another's inbox.
        var group = app.MapGroup("/api/notifications").WithTags("Notifications");
        group.MapGet("/", List);
        group.MapPost("/{id:guid}/read", MarkRead);
    }

    private static async Task<Results<Ok<NotificationList>, ValidationProblem>> List(
        int? take, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        if (take is < 1 or > MaxTake)
        {
            return Problems.Validation("take", $"take must be between 1 and {MaxTake}; it was {take}.");
        }

        var userId = http.User.Id();
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == userId);
        var unread = await mine.CountAsync(n => n.ReadUtc == null, ct);
        var items = await mine
            .OrderBy(n => n.ReadUtc != null)
            .ThenByDescending(n => n.OccurredUtc)
            .ThenByDescending(n => n.Id)
            .Take(take ?? DefaultTake)
            .ToListAsync(ct);
        return TypedResults.Ok(new NotificationList(unread, items.Select(NotificationItem.From).ToList()));
    }

    private static async Task<Results<Ok<NotificationItem>, ProblemHttpResult>> MarkRead(
        Guid id, HttpContext http, ApprovalsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var userId = http.User.Id();
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.RecipientId == userId, ct);
        if (notification is null)
        {
            // The same answer for someone else's notification as for none: ids of others' notifications are not confirmed.
            return Problems.NotFound($"There is no notification with id {id} in your inbox.");
        }

        if (notification.ReadUtc is null)
        {
            notification.ReadUtc = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.Ok(NotificationItem.From(notification));
    }
}
