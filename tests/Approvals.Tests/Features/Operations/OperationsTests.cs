using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Notifications;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Operations;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using netDumbster.smtp;

namespace Approvals.Tests.Features.Operations;

/// <summary>
/// The operations page and API: a failed e-mail and a failed event are listed with their last error, and retrying
/// sends them (the e-mail through a real SMTP server, netDumbster), journaled with who did it.
/// </summary>
public sealed class OperationsTests
{
    private const string SmtpError = "SmtpCommandException: 451 4.3.0 Mail server temporarily rejected message.";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task<ConfiguredApp> StartApp(int smtpPort) => new ConfiguredApp(new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = smtpPort.ToString(),
        ["Smtp:From"] = "Approvals <noreply@approvals.test>",
        ["Smtp:PollInterval"] = "00:00:00.2",
    }).StartAsync();

    /// <summary>A notification whose e-mail the mailer gave up on, as it leaves one after its last failed attempt.</summary>
    private static async Task<Guid> GivenUpEmail(ApprovalsApp app, string recipientEmail, string subject)
    {
        var recipient = await Transitions.UserId(app, recipientEmail);
        var plan = await Transitions.NewPlan(app, Committee.Tmu);
        var id = Guid.CreateVersion7();
        await app.WithDb(async db =>
        {
            db.Notifications.Add(new Notification
            {
                Id = id,
                EventId = Guid.NewGuid(),
                RecipientId = recipient,
                PlanId = plan,
                Kind = nameof(PlanReturned),
                Subject = subject,
                Body = "Planen er sendt tilbage.",
                Link = $"http://localhost/planer/{plan}",
                OccurredUtc = DateTime.UtcNow.AddHours(-3),
                CreatedUtc = DateTime.UtcNow.AddHours(-3),
                EmailAttempts = 20,
                NextEmailAttemptUtc = null,
                EmailLastError = SmtpError,
            });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    [Fact]
    public async Task The_operations_page_lists_a_failed_email_and_its_retry_sends_it()
    {
        var port = FreePort();
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(port).Build();
        var app = await StartApp(port);
        try
        {
            var secretary = Users.Secretary(Committee.Tmu);
            var notification = await GivenUpEmail(app, secretary, "Handleplan sendt tilbage: Trafikplan");
            var admin = await PageClient.SignIn(app, Users.Administrator);

            var page = await admin.Html("/admin/drift");
            Assert.Contains("Fejlede e-mails", page);
            Assert.Contains("Handleplan sendt tilbage: Trafikplan", page);
            Assert.Contains(secretary, page);
            Assert.Contains("451 4.3.0 Mail server temporarily rejected message.", page);
            Assert.Contains("Opgivet", page);

            var retried = await admin.Post("/admin/drift?handler=RetryEmail", page, new() { ["notificationId"] = notification.ToString() });
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode); // after the redirect back to the page
            Assert.Contains("E-mailen sendes igen nu.", await retried.Content.ReadAsStringAsync());

            var mail = await Eventually.Get(
                () => Task.FromResult(smtp.Mails().FirstOrDefault()), m => m is not null, TimeSpan.FromSeconds(60), "the retried e-mail");
            var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mail!.Data)));
            Assert.Equal([secretary], message.To.Mailboxes.Select(m => m.Address));
            Assert.Equal("Handleplan sendt tilbage: Trafikplan", message.Subject);
            await Eventually.True(() => app.WithDb(db => db.Notifications.AnyAsync(n => n.Id == notification && n.EmailedUtc != null && n.EmailLastError == null)),
                TimeSpan.FromSeconds(30), "the notification to be marked e-mailed");

            // Journaled: who and when; and the page no longer lists it.
            var journal = await app.WithDb(db => db.OperatorActions.AsNoTracking().SingleAsync(a => a.Target == notification.ToString()));
            Assert.Equal(DeliveryOverview.RetryEmail, journal.Action);
            Assert.Equal(await Transitions.UserId(app, Users.Administrator), journal.ActorId);
            Assert.Equal(SmtpError, journal.Detail);
            Assert.InRange(journal.AtUtc, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
            var after = await admin.Html("/admin/drift");
            Assert.DoesNotContain("451 4.3.0", after.Split("id=\"journal\"")[0]);
            Assert.Contains("sendte e-mailen til notifikation", after);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task The_api_lists_a_failed_event_and_its_retry_publishes_it_once_journaled()
    {
        await using var app = new ApprovalsApp();
        await app.InitializeAsync();
        var plan = await Transitions.NewPlan(app, Committee.Sou, Stages.AdministrativeReview);
        var reviewer = await Transitions.UserId(app, Users.AdministrativeReviewer);
        // A failed publish leaves the row with its error and a back-off: here far off, so only the retry sends it now.
        var returned = await app.WithDb(db => Transitions.Commit(db, plan, Move.Return, reviewer, "Mangler en indikator.",
            adjustRow: row =>
            {
                row.NextAttemptUtc = DateTime.UtcNow.AddDays(1);
                row.Attempts = 3;
                row.LastError = "TimeoutException: The broker did not confirm the publish within 00:00:05; is it reachable?";
            }));
        var admin = await app.ClientFor(Users.Administrator);

        var overview = JsonDocument.Parse(await admin.GetStringAsync("/api/operations")).RootElement;
        var failed = overview.GetProperty("outbox").GetProperty("failed").EnumerateArray()
            .Single(e => e.GetProperty("messageId").GetGuid() == returned.EventId);
        Assert.Equal(plan, failed.GetProperty("planId").GetGuid());
        Assert.StartsWith("TimeoutException", failed.GetProperty("lastError").GetString());
        Assert.True(overview.GetProperty("outbox").GetProperty("failing").GetInt32() >= 1);
        Assert.False(overview.GetProperty("emails").GetProperty("enabled").GetBoolean());

        var retry = await admin.PostAsync($"/api/operations/events/{returned.EventId}/retry", null);

        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        await Eventually.True(() => app.WithDb(db => db.Outbox.AnyAsync(m => m.MessageId == returned.EventId && m.SentUtc != null)),
            TimeSpan.FromSeconds(60), "the retried event to be published and delivered");
        var owner = await Transitions.UserId(app, Users.Secretary(Committee.Sou));
        Assert.True(await app.WithDb(db => db.Notifications.AnyAsync(n => n.EventId == returned.EventId && n.RecipientId == owner)));
        var journal = JsonDocument.Parse(await admin.GetStringAsync("/api/operations")).RootElement.GetProperty("journal")[0];
        Assert.Equal(DeliveryOverview.RetryEvent, journal.GetProperty("action").GetString());
        Assert.Equal(returned.EventId.ToString(), journal.GetProperty("target").GetString());

        // Sent now: a second retry is refused, and an unknown event is a 404, both as problem details.
        var again = await admin.PostAsync($"/api/operations/events/{returned.EventId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/operations/events/{Guid.NewGuid()}/retry", null)).StatusCode);
        Assert.Equal(1, await app.WithDb(db => db.OperatorActions.CountAsync()));
    }
}
