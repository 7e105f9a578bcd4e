using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Notifications;

public sealed class NotificationApiTests(InMemoryNotificationsFixture fixture) : IClassFixture<InMemoryNotificationsFixture>
{
    private readonly ConfiguredApp _app = fixture.App;

    private async Task<Notification> Store(string email, string subject, DateTime occurredUtc, bool read = false)
    {
        var recipient = await Transitions.UserId(_app, email);
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            EventId = Guid.NewGuid(),
            RecipientId = recipient,
            PlanId = Guid.NewGuid(),
            Kind = "PlanApproved",
            Subject = subject,
            Body = $"{subject} (brødtekst)",
            Link = "https://approvals.test/planer/x",
            OccurredUtc = occurredUtc,
            CreatedUtc = occurredUtc,
            ReadUtc = read ? occurredUtc.AddMinutes(1) : null,
        };
        await _app.WithDb(async db =>
        {
            db.Notifications.Add(notification);
            return await db.SaveChangesAsync();
        });
        return notification;
    }

    [Fact]
    public async Task My_inbox_lists_only_my_notifications_unread_first_then_newest_with_the_unread_count()
    {
        var me = Users.Coordinator;
        var day = new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);
        await Store(me, "Ældre ulæst", day);
        await Store(me, "Nyeste, læst", day.AddHours(3), read: true);
        await Store(me, "Nyere ulæst", day.AddHours(2));
        await Store(Users.Administrator, "En andens besked", day.AddHours(4));
        var client = await _app.ClientFor(me);

        var inbox = await (await client.GetAsync("/api/notifications")).ReadOk<NotificationList>();

        Assert.Equal(2, inbox.UnreadCount);
        Assert.Equal(["Nyere ulæst", "Ældre ulæst", "Nyeste, læst"], inbox.Items.Select(i => i.Subject));
        Assert.Equal([false, false, true], inbox.Items.Select(i => i.Read));
    }

    [Fact]
    public async Task Marking_a_notification_read_lowers_my_unread_count()
    {
        var me = Users.Secretary(Committee.Kfu);
        var first = await Store(me, "Første", DateTime.UtcNow.AddMinutes(-2));
        await Store(me, "Anden", DateTime.UtcNow.AddMinutes(-1));
        var client = await _app.ClientFor(me);

        var marked = await (await client.PostAsync($"/api/notifications/{first.Id}/read", null)).ReadOk<NotificationItem>();
        var again = await (await client.PostAsync($"/api/notifications/{first.Id}/read", null)).ReadOk<NotificationItem>();
        var inbox = await (await client.GetAsync("/api/notifications")).ReadOk<NotificationList>();

        Assert.True(marked.Read);
        Assert.Equal(marked.ReadUtc, again.ReadUtc);
        Assert.Equal(1, inbox.UnreadCount);
        Assert.Equal(["Anden", "Første"], inbox.Items.Select(i => i.Subject));
    }

    [Fact]
    public async Task No_one_can_mark_another_users_notification_read()
    {
        var theirs = await Store(Users.Secretary(Committee.Sou), "Til sekretæren", DateTime.UtcNow);
        var intruder = await _app.ClientFor(Users.CommitteeApprover(Committee.Sou));

        var response = await intruder.PostAsync($"/api/notifications/{theirs.Id}/read", null);
        var inbox = await (await intruder.GetAsync("/api/notifications")).ReadOk<NotificationList>();

        var problem = await response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Contains(theirs.Id.ToString(), problem.GetProperty("detail").GetString());
        Assert.Null(await _app.WithDb(db => db.Notifications.Where(n => n.Id == theirs.Id).Select(n => n.ReadUtc).SingleAsync()));
        Assert.DoesNotContain(inbox.Items, i => i.Id == theirs.Id);
    }

    [Fact]
    public async Task The_inbox_refuses_a_page_size_out_of_range_and_strangers()
    {
        var client = await _app.ClientFor(Users.Administrator);

        var tooMany = await client.GetAsync($"/api/notifications?take={NotificationEndpoints.MaxTake + 1}");
        var anonymous = await _app.CreateClient().GetAsync("/api/notifications");
        var unknown = await client.PostAsync($"/api/notifications/{Guid.NewGuid()}/read", null);

        var problem = await tooMany.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["take"], problem.ErrorFields());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await unknown.AssertProblem(HttpStatusCode.NotFound);
    }
}
