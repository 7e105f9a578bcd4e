using Approvals.Core.Accounts;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Notifications;

[Collection(AppCollection.Name)]
public sealed class InboxPageTests(ApprovalsApp app)
{
    private async Task<Notification> Store(string email, string subject, string body, DateTime occurredUtc, bool read = false)
    {
        var recipient = await app.WithDb(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            EventId = Guid.NewGuid(),
            RecipientId = recipient,
            PlanId = Guid.NewGuid(),
            Kind = "PlanReturned",
            Subject = subject,
            Body = body,
            Link = "https://approvals.test/planer/x",
            OccurredUtc = occurredUtc,
            CreatedUtc = occurredUtc,
            ReadUtc = read ? occurredUtc.AddMinutes(1) : null,
        };
        await app.WithDb(async db =>
        {
            db.Notifications.Add(notification);
            return await db.SaveChangesAsync();
        });
        return notification;
    }

    [Fact]
    public async Task The_inbox_page_shows_unread_first_with_the_count_in_the_header_and_marks_one_read()
    {
        var me = await app.CreateUser("Inbox-tester", null, Roles.Coordinator);
        var day = new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);
        await Store(me, "Læst for længe siden", "Gammel", day.AddHours(5), read: true);
        var older = await Store(me, "Sendt tilbage: Plan A", "Kommentar:\nErstat <b>??????</b>.", day);
        await Store(me, "Godkendt: Plan B", "Godkendt.", day.AddHours(1));
        var client = await PageClient.SignIn(app, me);

        var html = await client.Html("/notifikationer");

        Assert.Contains("""<span class="badge">2<span class="visually-hidden"> ulæste</span></span>""", html);
        Assert.Contains("Du har 2 ulæste notifikationer.", html);
        var order = new[] { "Godkendt: Plan B", "Sendt tilbage: Plan A", "Læst for længe siden" }.Select(s => html.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.True(order.All(i => i > 0) && order.SequenceEqual(order.Order()), $"Expected unread newest first, then read; found at {string.Join(", ", order)}");
        Assert.Contains("Erstat &lt;b&gt;??????&lt;/b&gt;.", html);

        var response = await client.Post("/notifikationer?handler=Read", html, new() { ["notificationId"] = older.Id.ToString() });

        var after = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("""<span class="badge">1<span class="visually-hidden"> ulæste</span></span>""", after);
        Assert.NotNull(await app.WithDb(async db => (await db.Notifications.FindAsync(older.Id))!.ReadUtc));
    }

    [Fact]
    public async Task No_one_can_mark_another_users_notification_read_from_the_page()
    {
        var owner = await app.CreateUser("Ejer", null, Roles.Coordinator);
        var other = await app.CreateUser("Anden", null, Roles.Coordinator);
        var notification = await Store(owner, "Kun til ejeren", "Hemmelig", DateTime.UtcNow);
        var client = await PageClient.SignIn(app, other);
        var html = await client.Html("/notifikationer");
        Assert.DoesNotContain("Kun til ejeren", html);
        Assert.Contains("Du har ikke fået nogen notifikationer endnu.", html);

        var response = await client.Post("/notifikationer?handler=Read", html, new() { ["notificationId"] = notification.Id.ToString() });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await app.WithDb(async db => (await db.Notifications.FindAsync(notification.Id))!.ReadUtc));
    }
}
