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
        var group = app.MapGroup("/api/notifications").WithTags("Notifications");
        group.MapGet("/", List)
            .WithName("listNotifications")
            .WithSummary("Your inbox")
            .WithDescription($"Your own notifications, unread first, then newest first, with the number unread. `take` is 1–{MaxTake} (default {DefaultTake}).");
        group.MapPost("/{id:guid}/read", MarkRead)
            .WithName("markNotificationRead")
            .WithSummary("Mark a notification read")
            .WithDescription("Marks one of your notifications read (again: the first time stays). 404 for an id that is not in your inbox, someone else's included.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<NotificationList>, ValidationProblem>> List(
        int? take, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        if (take is < 1 or > MaxTake)
        {
            return Problems.Validation("take", $"take must be between 1 and {MaxTake}; it was {take}.");
        }

        return TypedResults.Ok(await NotificationInbox.ListAsync(db, http.User.Id(), take ?? DefaultTake, ct));
    }

    private static async Task<Results<Ok<NotificationItem>, ProblemHttpResult>> MarkRead(
        Guid id, HttpContext http, ApprovalsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var notification = await NotificationInbox.MarkReadAsync(db, http.User.Id(), id, clock, ct);

        // The same answer for someone else's notification as for none: ids of others' notifications are not confirmed.
        return notification is null
            ? Problems.NotFound($"There is no notification with id {id} in your inbox.")
            : TypedResults.Ok(NotificationItem.From(notification));
    }
}

/// <summary>
/// One user's inbox, for the API and the inbox page alike. Every query is filtered by the recipient's id:
/// no one reads or marks another's notifications.
/// </summary>
public static class NotificationInbox
{
    /// <summary>Unread first, then newest first.</summary>
    public static async Task<NotificationList> ListAsync(ApprovalsDbContext db, string userId, int take, CancellationToken ct)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == userId);
        var unread = await mine.CountAsync(n => n.ReadUtc == null, ct);
        var items = await mine
            .OrderBy(n => n.ReadUtc != null)
            .ThenByDescending(n => n.OccurredUtc)
            .ThenByDescending(n => n.Id)
            .Take(take)
            .ToListAsync(ct);
        return new NotificationList(unread, items.Select(NotificationItem.From).ToList());
    }

    /// <summary>Marks the user's notification read (once: a second mark keeps the first time); null when the user has no such notification.</summary>
    public static async Task<Notification?> MarkReadAsync(ApprovalsDbContext db, string userId, Guid id, TimeProvider clock, CancellationToken ct)
    {
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.RecipientId == userId, ct);
        if (notification is { ReadUtc: null })
        {
            // Whole microseconds, as PostgreSQL stores them: the time answered now is the time read back later.
            var now = clock.GetUtcNow().UtcDateTime;
            notification.ReadUtc = now.AddTicks(-(now.Ticks % 10));
            await db.SaveChangesAsync(ct);
        }

        return notification;
    }
}
